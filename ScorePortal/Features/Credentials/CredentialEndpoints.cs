using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ScorePortal.Account;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// The issuer's public documents (the DID document, the status lists: anyone, no sign-in, no cookie needed) and the
/// holder's download, behind the same second verification as the score report.
/// </summary>
public static class CredentialEndpoints
{
    public static IEndpointRouteBuilder MapCredentialEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CredentialIssuer.DidDocumentPath, DidDocumentAsync).AllowAnonymous();
        app.MapGet(CredentialIssuer.StatusPath + "{list}", StatusListAsync).AllowAnonymous();
        var me = app.MapGroup("/me/credentials").RequireAuthorization(p => p.RequireRole(Roles.Candidate)).RequireRateLimiting(PublicFormLimits.FormPosts);
        // Form-bound: the antiforgery middleware validates its token like any Blazor form.
        me.MapPost("/issue", IssueAsync);
        return app;
    }

    private static async Task<IResult> DidDocumentAsync(HttpContext context, IConfiguration configuration, CredentialKeys keys)
    {
        var issuer = CredentialIssuer.For(context, configuration);
        // The first key is made here when there is none, so the document never lists no key at all.
        await keys.SigningKeyAsync(context.RequestAborted);
        var document = DidDocument.Build(issuer, await keys.ListedAsync(context.RequestAborted));
        context.Response.Headers.CacheControl = "public, max-age=300";
        // Public documents: a verifier's web page on another origin may read them.
        context.Response.Headers.AccessControlAllowOrigin = "*";
        return TypedResults.Text(document.ToJsonString(), DidDocument.MediaType);
    }

    private static async Task<IResult> StatusListAsync(string list, HttpContext context, IConfiguration configuration, StatusLists lists,
        Microsoft.Extensions.Options.IOptions<CredentialOptions> options)
    {
        var signed = await lists.SignedAsync(CredentialIssuer.For(context, configuration), list, context.RequestAborted);
        if (signed is null) return TypedResults.NotFound();
        context.Response.Headers.CacheControl = "public, max-age=" + options.Value.StatusListCacheSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        return TypedResults.Text(signed, Jose.MediaType);
    }

    private static async Task<IResult> IssueAsync([FromForm] int certificateId, HttpContext context, UserManager<ApplicationUser> users,
        StepUp stepUp, IssueCredential issue, IConfiguration configuration)
    {
        var userId = users.GetUserId(context.User)!;
        if (!stepUp.IsSatisfied(context, userId, StepUpPurposes.Reports))
            return TypedResults.LocalRedirect("/Account/StepUp?returnUrl=" + Uri.EscapeDataString(MyCredentialsPath));
        IssueCredentialOutcome outcome;
        try
        {
            outcome = await issue.HandleAsync(new IssueCredentialRequest(userId, certificateId, CredentialIssuer.For(context, configuration),
                context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
        }
        catch (Exception failure) when (StorageFaults.Classify(failure) is { } fault)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CredentialEndpoints).FullName!)
                .LogError(StorageFaults.OperationRolledBack, "Credential issue rolled back: {Cause}", StorageFaults.Cause(fault));
            context.RequestServices.GetRequiredService<StorageHealth>().OperationFailed(fault, "credential issue");
            return TypedResults.LocalRedirect(MyCredentialsPath + "?message=" + Uri.EscapeDataString(StorageFaults.MessageKey(fault)));
        }
        return outcome is IssueCredentialOutcome.Issued issued
            ? TypedResults.File(System.Text.Encoding.ASCII.GetBytes(issued.Jws), Jose.MediaType, issued.FileName)
            : TypedResults.NotFound();
    }

    public const string MyCredentialsPath = "/me/credentials";
}
