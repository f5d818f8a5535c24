using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScorePortal.Model;
using ScorePortal.Operations;

namespace ScorePortal.Account.Passkeys;

/// <summary>
/// Passkeys with ASP.NET Core Identity's own WebAuthn support (.NET 10): the options come from <see cref="PasskeysOptions"/>,
/// the browser asks for creation and request options at the two endpoints below, and the pages post the browser's
/// answer back as a form (<c>wwwroot/js/passkey.js</c>). docs/accounts.md#passkeys.
/// </summary>
public static class PasskeysExtensions
{
    /// <summary>Sign-in, the second factor and the second verification ask here for a challenge (anonymous for sign-in).</summary>
    public const string RequestOptionsPath = "/Account/PasskeyRequestOptions";

    /// <summary>Under <see cref="ScorePortal.Account.StepUp.PasskeysPath"/>, so the second verification's cookie reaches it.</summary>
    public const string CreationOptionsPath = "/Account/Manage/Passkeys/CreationOptions";

    public static IServiceCollection AddPasskeys(this IServiceCollection services)
    {
        services.AddOptions<PasskeysOptions>().BindConfiguration(PasskeysOptions.Section)
            .Validate(o => o.ServerDomain is null || PasskeysOptions.IsValidDomain(o.ServerDomain),
                "Passkeys:ServerDomain must be a host name (e.g. scores.example.org): no scheme, port or path, never an IP address.")
            .Validate(o => o.MaxPerAccount is >= 1 and <= 100, "Passkeys:MaxPerAccount must be between 1 and 100.")
            .ValidateOnStart();
        services.AddOptions<IdentityPasskeyOptions>().Configure<IOptions<PasskeysOptions>, IConfiguration>((o, portal, configuration) =>
        {
            o.ServerDomain = portal.Value.ServerDomain;
            var publicOrigin = Uri.TryCreate(configuration["Portal:PublicBaseUrl"], UriKind.Absolute, out var publicBase)
                ? publicBase.GetLeftPart(UriPartial.Authority) : null;
            o.ValidateOrigin = context => ValueTask.FromResult(IsAllowedOrigin(context, publicOrigin));
            // Fingerprint, face or device PIN every time: what makes a passkey count as multi-factor (PortalSignInManager).
            o.UserVerificationRequirement = "required";
            // Discoverable credentials: "sign in with a passkey" asks for no email first.
            o.ResidentKeyRequirement = "required";
        });
        services.TryAddScoped<IPasskeyHandler<ApplicationUser>, PasskeyHandler<ApplicationUser>>();
        return services;
    }

    /// <summary>
    /// The page the browser answered for (signed into the credential by the authenticator) must be the portal's public
    /// address (<c>Portal:PublicBaseUrl</c>, set in Production); without one (development, tests), the origin the request
    /// itself came from. Never a frame of another site.
    /// </summary>
    internal static bool IsAllowedOrigin(PasskeyOriginValidationContext context, string? publicOrigin)
    {
        if (context.CrossOrigin || !Uri.TryCreate(context.Origin, UriKind.Absolute, out var origin)) return false;
        var allowed = publicOrigin ?? (context.HttpContext.Request.Headers.Origin is [var requestOrigin] ? requestOrigin : null);
        return allowed is not null && Uri.TryCreate(allowed, UriKind.Absolute, out var expected) && origin.Equals(expected);
    }

    public static WebApplication MapPasskeys(this WebApplication app)
    {
        // Anonymous for sign-in: the challenge names no account (discoverable passkeys), so nothing here tells whether
        // an address has one. For the second factor and the second verification it lists that account's passkeys.
        app.MapPost(RequestOptionsPath, async (HttpContext context, SignInManager<ApplicationUser> signIn, string? purpose) =>
            {
                ApplicationUser? user = purpose switch
                {
                    "second-factor" => await signIn.GetTwoFactorAuthenticationUserAsync(),
                    "step-up" when context.User.Identity?.IsAuthenticated == true => await signIn.UserManager.GetUserAsync(context.User),
                    _ => null,
                };
                var json = await signIn.MakePasskeyRequestOptionsAsync(user);
                return TypedResults.Content(json, "application/json");
            })
            .RequireRateLimiting(PublicFormLimits.FormPosts)
            .DisableAntiforgery();

        app.MapPost(CreationOptionsPath, async (HttpContext context, SignInManager<ApplicationUser> signIn, StepUp stepUp,
                IOptions<PasskeysOptions> options) =>
            {
                var users = signIn.UserManager;
                var user = await users.GetUserAsync(context.User);
                if (user is null) return Results.Unauthorized();
                if (!PasskeyRules.MayAdd(context, stepUp, user.Id)) return Results.StatusCode(StatusCodes.Status403Forbidden);
                if ((await users.GetPasskeysAsync(user)).Count >= options.Value.MaxPerAccount) return Results.StatusCode(StatusCodes.Status409Conflict);
                var name = user.Email ?? user.UserName ?? user.Id;
                var json = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
                {
                    Id = user.Id,
                    Name = name,
                    DisplayName = string.IsNullOrWhiteSpace(user.DisplayName) ? name : user.DisplayName,
                });
                return TypedResults.Content(json, "application/json");
            })
            .RequireAuthorization()
            .RequireRateLimiting(PublicFormLimits.FormPosts)
            .DisableAntiforgery();
        return app;
    }
}

/// <summary>When a signed-in person may add a passkey: a new way in, so not on the strength of a password alone.</summary>
public static class PasskeyRules
{
    /// <summary>
    /// The session is multi-factor (an authenticator code or a passkey at sign-in), or the second verification was
    /// passed in the last ten minutes (password and a code, <c>/Account/StepUp</c>). Someone who learned the password
    /// alone cannot turn it into a passkey that then passes the second verification.
    /// </summary>
    public static bool MayAdd(HttpContext context, StepUp stepUp, string userId) =>
        MfaRequirement.IsSatisfiedBy(context.User) || stepUp.IsSatisfied(context, userId, StepUpPurposes.Passkeys);
}
