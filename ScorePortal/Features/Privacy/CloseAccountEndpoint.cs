using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using ScorePortal.Account;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// The post of the closing form on <c>/me/close</c>. An endpoint, not the page's own form handler: closing rotates the
/// account's stamp and has its open circuits check their sign-in at once (OpenCircuits), and a Blazor render of this
/// very request would be one of them, re-rendering itself signed out while it renders. Antiforgery is checked (form
/// binding); refusals go back to the page with a reason, success signs out and shows the public notice.
/// </summary>
public static class CloseAccountEndpoint
{
    public const string Path = "/me/close/confirm";

    public static WebApplication MapPrivacy(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.Candidate))
            .RequireRateLimiting(PublicFormLimits.FormPosts);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext context, [FromForm] string? word, [FromForm] string? understood,
        CloseAccount close, StepUp stepUp, UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn,
        IStringLocalizer<SharedResource> l)
    {
        var userId = users.GetUserId(context.User) ?? "";
        var confirmed = string.Equals(understood, "true", StringComparison.OrdinalIgnoreCase)
            && string.Equals(word?.Trim(), l["Privacy.Close.Word"].Value, StringComparison.OrdinalIgnoreCase);
        var outcome = await close.HandleAsync(new CloseAccountRequest(userId, stepUp.IsSatisfied(context, userId, StepUpPurposes.CloseAccount),
            confirmed, context.Connection.RemoteIpAddress?.ToString()), context.RequestAborted);
        switch (outcome)
        {
            case CloseAccountOutcome.Closed:
                await signIn.SignOutAsync();
                return TypedResults.LocalRedirect("/privacy?closed=1");
            case CloseAccountOutcome.StepUpRequired:
                return TypedResults.LocalRedirect("/Account/StepUp?returnUrl=" + Uri.EscapeDataString("/me/close"));
            case CloseAccountOutcome.NotConfirmed:
                return TypedResults.LocalRedirect("/me/close?error=confirm");
            case CloseAccountOutcome.NotACandidateAccount:
                return TypedResults.LocalRedirect("/me/close?error=staff");
            default:
                return TypedResults.LocalRedirect("/me/close?error=gone");
        }
    }
}
