using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ScorePortal.Account;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Operations;

namespace ScorePortal.Features.Reports;

/// <summary>The score report's file endpoints: issue (or re-download) and download, both behind the second verification.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me/reports").RequireAuthorization(p => p.RequireRole(Roles.Candidate)).RequireRateLimiting(PublicFormLimits.FormPosts);
        // A form-bound endpoint: the antiforgery middleware validates its token like any Blazor form.
        me.MapPost("/issue", IssueAsync);
        me.MapGet("/{id:int}/file", DownloadAsync);
        return app;
    }

    private static async Task<IResult> IssueAsync([FromForm] int registrationId, [FromForm] string? culture, HttpContext context,
        UserManager<ApplicationUser> users, StepUp stepUp, IssueReport issue, IConfiguration configuration)
    {
        var userId = users.GetUserId(context.User)!;
        if (!stepUp.IsSatisfied(context, userId, StepUpPurposes.Reports))
            return TypedResults.LocalRedirect("/Account/StepUp?returnUrl=" + Uri.EscapeDataString("/me"));

        IssueReportOutcome outcome;
        try
        {
            outcome = await issue.HandleAsync(new IssueReportRequest(userId, registrationId, culture, VerifyBaseUrl(context, configuration),
                context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
        }
        catch (Exception failure) when (StorageFaults.Classify(failure) is { } fault)
        {
            // A full or read-only database (issue #26): the report row was not stored, no file left the server; the
            // candidate reads the cause on their page and may try again later.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReportEndpoints).FullName!)
                .LogError(StorageFaults.OperationRolledBack, "Report issue rolled back: {Cause}", StorageFaults.Cause(fault));
            context.RequestServices.GetRequiredService<StorageHealth>().OperationFailed(fault, "report issue");
            return TypedResults.LocalRedirect("/me?message=" + Uri.EscapeDataString(StorageFaults.MessageKey(fault)));
        }
        return outcome switch
        {
            IssueReportOutcome.Issued issued => Pdf(issued.Pdf, issued.FileName),
            IssueReportOutcome.Refused refused => TypedResults.LocalRedirect("/me?message=" + Uri.EscapeDataString(refused.MessageKey)),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<IResult> DownloadAsync(int id, HttpContext context, UserManager<ApplicationUser> users, StepUp stepUp, MyReports reports)
    {
        var userId = users.GetUserId(context.User)!;
        if (!stepUp.IsSatisfied(context, userId, StepUpPurposes.Reports))
            return TypedResults.LocalRedirect("/Account/StepUp?returnUrl=" + Uri.EscapeDataString($"/me/reports/{id}/file"));
        return await reports.FileAsync(userId, id, context.RequestAborted) is { } file
            ? Pdf(file.Pdf, $"score-report-{file.Code}.pdf")
            : TypedResults.NotFound();
    }

    private static IResult Pdf(byte[] pdf, string fileName) =>
        TypedResults.File(pdf, "application/pdf", fileName);

    /// <summary>The public base of /verify printed in the QR code: configured for production, else this request's origin.</summary>
    private static string VerifyBaseUrl(HttpContext context, IConfiguration configuration) =>
        (configuration["Portal:PublicBaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') : $"{context.Request.Scheme}://{context.Request.Host}") + "/verify";
}
