using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Reminders;

/// <summary>The endpoints without a page: the RFC 8058 one-click unsubscribe, and the one-click subscription of /me.</summary>
public static class ReminderEndpoints
{
    public const string OneClickPath = "/reminders/one-click";
    public const string SubscribeMePath = "/reminders/me";

    public static IEndpointRouteBuilder MapReminders(this IEndpointRouteBuilder app)
    {
        // A mail client's POST carries no antiforgery token and no cookie: the link's own token is the authority, and it
        // opens one subscription only (ReminderLinks).
        app.MapPost(OneClickPath, OneClickAsync).DisableAntiforgery().RequireRateLimiting(PublicFormLimits.FormPosts);
        // A client without one-click opens the address in a browser: the page with the button.
        app.MapGet(OneClickPath, (long s, string? t) => TypedResults.LocalRedirect($"/reminders/unsubscribe?s={s}&t={Uri.EscapeDataString(t ?? "")}"));
        // A form-bound endpoint: the antiforgery middleware validates its token like any Blazor form.
        app.MapPost(SubscribeMePath, SubscribeMeAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.Candidate)).RequireRateLimiting(PublicFormLimits.FormPosts);
        return app;
    }

    private static async Task<IResult> OneClickAsync(long s, string? t, HttpContext context, UnsubscribeReminder unsubscribe)
    {
        var outcome = await unsubscribe.HandleAsync(new ReminderLinkRequest(s, t, ClientAddress.LimitKey(context)), context.RequestAborted);
        return outcome == ReminderLinkOutcome.Invalid ? TypedResults.NotFound() : TypedResults.Ok();
    }

    private static async Task<IResult> SubscribeMeAsync([FromForm] int sessionId, HttpContext context, UserManager<ApplicationUser> users,
        SubscribeSignedIn subscribe)
    {
        var userId = users.GetUserId(context.User)!;
        await subscribe.HandleAsync(new SubscribeSignedInRequest(userId, sessionId,
            System.Globalization.CultureInfo.CurrentUICulture.Name, ClientAddress.LimitKey(context)), context.RequestAborted);
        return TypedResults.LocalRedirect("/me");
    }
}
