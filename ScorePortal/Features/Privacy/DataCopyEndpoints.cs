using Microsoft.AspNetCore.Identity;
using ScorePortal.Account;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// The files of a copy: the owner's at <c>/me/data/{id}/copy.json|pdf</c> (candidate role and the second verification,
/// like score reports), an admin's for a paper request at <c>/admin/privacy-requests/{id}/copy.json|pdf</c>. Either way
/// <see cref="DataCopyFiles"/> opens a copy only for the account that asked for it, while its link is valid.
/// </summary>
public static class DataCopyEndpoints
{
    public static IEndpointRouteBuilder MapDataCopyFiles(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/me/data").RequireAuthorization(p => p.RequireRole(Roles.Candidate)).RequireRateLimiting(PublicFormLimits.FormPosts);
        me.MapGet("/{id:int}/copy.json", (int id, HttpContext context, UserManager<ApplicationUser> users, StepUp stepUp, DataCopyFiles files) =>
            OwnerAsync(id, DataCopyFormat.Json, context, users, stepUp, files));
        me.MapGet("/{id:int}/copy.pdf", (int id, HttpContext context, UserManager<ApplicationUser> users, StepUp stepUp, DataCopyFiles files) =>
            OwnerAsync(id, DataCopyFormat.Pdf, context, users, stepUp, files));

        var admin = app.MapGroup("/admin/privacy-requests").RequireAuthorization(Policies.AdminArea);
        admin.MapGet("/{id:int}/copy.json", (int id, HttpContext context, UserManager<ApplicationUser> users, DataCopyFiles files) =>
            AdminAsync(id, DataCopyFormat.Json, context, users, files));
        admin.MapGet("/{id:int}/copy.pdf", (int id, HttpContext context, UserManager<ApplicationUser> users, DataCopyFiles files) =>
            AdminAsync(id, DataCopyFormat.Pdf, context, users, files));
        return app;
    }

    private static async Task<IResult> OwnerAsync(int id, DataCopyFormat format, HttpContext context, UserManager<ApplicationUser> users,
        StepUp stepUp, DataCopyFiles files)
    {
        var userId = users.GetUserId(context.User)!;
        if (!stepUp.IsSatisfied(context, userId, StepUpPurposes.DataCopy))
            return TypedResults.LocalRedirect("/Account/StepUp?returnUrl=" + Uri.EscapeDataString("/me/data"));
        return File(await files.OpenAsync(userId, Roles.Candidate, id, format, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted));
    }

    private static async Task<IResult> AdminAsync(int id, DataCopyFormat format, HttpContext context, UserManager<ApplicationUser> users, DataCopyFiles files) =>
        File(await files.OpenAsync(users.GetUserId(context.User)!, Roles.Admin, id, format, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted));

    private static IResult File(DataCopyDownload? download) =>
        download is null ? TypedResults.NotFound() : TypedResults.File(download.Content, download.ContentType, download.FileName);
}
