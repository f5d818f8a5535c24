using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// An account whose password an admin gave out (<see cref="ApplicationUser.MustChangePassword"/>) carries a claim in
/// its sign-in, and every page and area request is sent to <see cref="PagePath"/> until the password is changed; the
/// change renews the sign-in without the claim. The initial password thus opens nothing but the change itself.
/// </summary>
public static class PasswordChangeGate
{
    public const string ClaimType = "ScorePortal.PasswordChange";
    public const string Required = "required";
    public const string PagePath = "/Account/Manage/ChangePassword";

    private static readonly string[] GatedPrefixes = ["/me", "/admin", "/staff", "/expert", "/api"];

    public static bool IsRequired(ClaimsPrincipal user) => user.HasClaim(ClaimType, Required);

    public static WebApplication UsePasswordChangeGate(this WebApplication app)
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

    // Pages (the change page and sign-out aside) and the areas' endpoints; not static files, the captcha or health.
    private static bool Gated(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(PagePath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/Logout", StringComparison.OrdinalIgnoreCase)) return false;
        return context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
               || GatedPrefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>
/// Identity's claims, plus <see cref="PasswordChangeGate.ClaimType"/> while an admin-given password is unchanged and
/// <see cref="PrivacyNoticeGate.ClaimType"/> while a newer privacy notice waits to be accepted.
/// </summary>
public sealed class PortalClaimsPrincipalFactory(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options,
    ICurrentPrivacyNotice privacyNotice)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword) identity.AddClaim(new Claim(PasswordChangeGate.ClaimType, PasswordChangeGate.Required));
        if (PrivacyNoticeGate.MustAccept(user.PrivacyNoticeVersion, privacyNotice))
            identity.AddClaim(new Claim(PrivacyNoticeGate.ClaimType, PrivacyNoticeGate.Required));
        return identity;
    }
}
