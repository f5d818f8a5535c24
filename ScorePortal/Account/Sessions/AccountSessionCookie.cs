using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ScorePortal.Account.Sessions;

/// <summary>
/// Ties the sign-in cookie to its <see cref="AccountSession"/>. Every cookie the portal issues passes the cookie
/// handler's signing-in event, whatever the way in (password, authenticator, recovery code, an accepted invitation, an
/// enrollment, a refreshed sign-in), so that is where a session starts; a refresh of a sign-in that already has a live
/// session (a password change, the stamp check) keeps it. Reading the cookie checks the session: a cookie without one,
/// or whose session was ended, signs nobody in.
/// </summary>
internal static class AccountSessionCookie
{
    public static async Task OnSigningInAsync(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity) return;
        var userIdClaim = context.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType;
        var userId = identity.FindFirst(userIdClaim)?.Value;
        if (userId is null) return;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AccountSessions>();
        foreach (var stale in identity.FindAll(AccountSessions.ClaimType).ToList()) identity.RemoveClaim(stale);

        // The same account signing in again in the same browser (a refresh after a password change) keeps its session.
        var current = context.HttpContext.User;
        var sessionId = current.FindFirst(userIdClaim)?.Value == userId && current.FindFirst(AccountSessions.ClaimType)?.Value is { } existing
                        && await sessions.ValidateAsync(userId, existing, remembered: false, context.HttpContext.RequestAborted)
            ? existing
            : await sessions.StartAsync(userId, context.HttpContext, context.HttpContext.RequestAborted);
        identity.AddClaim(new Claim(AccountSessions.ClaimType, sessionId));
    }

    public static async Task OnValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var userIdClaim = context.HttpContext.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType;
        var userId = principal?.FindFirst(userIdClaim)?.Value;
        var sessionId = principal?.FindFirst(AccountSessions.ClaimType)?.Value;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AccountSessions>();
        if (userId is null || sessionId is null
            || !await sessions.ValidateAsync(userId, sessionId, remembered: true, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }
        await SecurityStampValidator.ValidatePrincipalAsync(context);
    }

    /// <summary>The stamp check rebuilds the principal from the database: the session it belongs to stays the same.</summary>
    public static void KeepSession(ClaimsPrincipal current, ClaimsIdentity rebuilt)
    {
        if (current.FindFirst(AccountSessions.ClaimType) is { } session && !rebuilt.HasClaim(c => c.Type == AccountSessions.ClaimType))
            rebuilt.AddClaim(new Claim(session.Type, session.Value));
    }
}
