using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;

namespace ScorePortal.Account;

/// <summary>
/// The privacy notice in force, as the account feature needs it: registration records the version accepted, and the
/// sign-in asks for the current one (<see cref="PrivacyNoticeGate"/>). Declared here, given by the privacy feature
/// (Features/Privacy), which owns the notice's text and versions: the account feature names no feature above it.
/// </summary>
public interface ICurrentPrivacyNotice
{
    int Version { get; }

    DateOnly EffectiveDate { get; }
}

/// <summary>
/// An account that accepted an older version of the privacy notice carries a claim in its sign-in
/// (<see cref="PortalClaimsPrincipalFactory"/>, which every way in builds its principal with: password, authenticator,
/// recovery code, passkey, invitation, and the periodic stamp check), and every page and area request is sent to
/// <see cref="PagePath"/> until the new version is accepted; accepting renews the sign-in without the claim. The same
/// shape as <see cref="PasswordChangeGate"/>, which runs first.
/// </summary>
public static class PrivacyNoticeGate
{
    public const string ClaimType = "ScorePortal.PrivacyNotice";
    public const string Required = "required";
    public const string PagePath = "/privacy/accept";

    private static readonly string[] GatedPrefixes = ["/me", "/admin", "/staff", "/expert", "/enterprise", "/api"];

    public static bool IsRequired(ClaimsPrincipal user) => user.HasClaim(ClaimType, Required);

    /// <summary>An account is asked again when it accepted a version and that version is older than the current one.</summary>
    public static bool MustAccept(int? accepted, ICurrentPrivacyNotice current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return accepted is { } version && version < current.Version;
    }

    public static WebApplication UsePrivacyNoticeGate(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (!IsRequired(context.User) || !Gated(context)) return next(context);
            var returnUrl = context.Request.Path + context.Request.QueryString;
            context.Response.Redirect($"{PagePath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return Task.CompletedTask;
        });
        return app;
    }

    // Pages and the areas' endpoints; not the notice itself, its acceptance, sign-out, static files or health.
    private static bool Gated(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/privacy", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/Logout", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(PasswordChangeGate.PagePath, StringComparison.OrdinalIgnoreCase)) return false;
        return context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
               || GatedPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
    }
}
