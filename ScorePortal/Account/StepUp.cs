using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using ScorePortal.Operations;

namespace ScorePortal.Account;

/// <summary>
/// What a passed second verification opens, named in its cookie. <see cref="ScorePortal.Account.StepUp.Grant"/> gives the candidate-area
/// purposes together (one check of password and code covers the downloads and the consents to enterprises for
/// <see cref="ScorePortal.Account.StepUp.Lifetime"/>); each place that needs it asks for its own purpose, so a purpose added later for a
/// graver act can be left out of that set and asked for separately.
/// </summary>
public static class StepUpPurposes
{
    /// <summary>Issuing and downloading score reports (<c>/me/reports/*</c>).</summary>
    public const string Reports = "reports";

    /// <summary>Granting an enterprise access to results (<c>/me/consents/*</c>).</summary>
    public const string Consents = "consents";

    /// <summary>Closing the account (<c>/me/close</c>); the page asks for a typed confirmation on top.</summary>
    public const string CloseAccount = "close-account";

    /// <summary>Adding a passkey (<c>/Account/Manage/Passkeys</c>): a new way in asks for the second verification first.</summary>
    public const string Passkeys = "passkeys";

    /// <summary>Asking for and downloading a copy of one's data (<c>/me/data</c>, Features/Privacy).</summary>
    public const string DataCopy = "data-copy";

    /// <summary>What a verification at <c>/Account/StepUp</c> (or a passkey sign-in) covers.</summary>
    public static readonly IReadOnlyList<string> CandidateArea = [Reports, Consents, CloseAccount, Passkeys, DataCopy];
}

/// <summary>
/// The second verification ("original password + dynamic code") before a report download or a consent to an
/// enterprise. A passed check lasts <see cref="Lifetime"/>, for the purposes listed inside the protected value
/// (<see cref="StepUpPurposes"/>): a separate, protected, HttpOnly, SameSite=Strict cookie scoped to the candidate area
/// (<see cref="Path"/>), bound to the account, never a change of the sign-in itself.
/// </summary>
public sealed class StepUp(IDataProtectionProvider dataProtection, TimeProvider time, IHostEnvironment environment)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const string CookieName = "ScorePortal.StepUp";
    public const string Path = "/me";

    /// <summary>The same cookie, also sent to the passkeys page (<see cref="StepUpPurposes.Passkeys"/>) and its endpoints.</summary>
    public const string PasskeysPath = "/Account/Manage/Passkeys";

    /// <summary>The one-time code purpose of the emailed step-up codes (not a <see cref="StepUpPurposes"/> value).</summary>
    public const string Purpose = "step-up";

    /// <summary>The path the cookie had when it covered reports only; cleared at the next grant so it cannot shadow the new one.</summary>
    private const string FormerPath = "/me/reports";

    // v2: the value carries its purposes ("user|until|reports,consents"); a v1 value no longer opens anything.
    private readonly IDataProtector _protector = dataProtection.CreateProtector("ScorePortal.StepUp.v2");

    public void Grant(HttpContext context, string userId)
    {
        var until = time.GetUtcNow() + Lifetime;
        var value = _protector.Protect(string.Join('|', userId, until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            string.Join(',', StepUpPurposes.CandidateArea)));
        var secure = context.Request.IsHttps || !environment.IsDevelopmentOrTesting();
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = FormerPath, Secure = secure, SameSite = SameSiteMode.Strict, HttpOnly = true });
        foreach (var path in new[] { Path, PasskeysPath })
            context.Response.Cookies.Append(CookieName, value, new CookieOptions
            {
                HttpOnly = true,
                Secure = secure,
                SameSite = SameSiteMode.Strict,
                Path = path,
                MaxAge = Lifetime,
                IsEssential = true,
            });
    }

    /// <summary>Whether this request carries a passed verification of <paramref name="userId"/>, still valid, for <paramref name="purpose"/>.</summary>
    public bool IsSatisfied(HttpContext context, string userId, string purpose)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value)) return false;
        string plain;
        try
        {
            plain = _protector.Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        var parts = plain.Split('|');
        return parts.Length == 3
            && parts[0] == userId
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            && time.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(until)
            && parts[2].Split(',').Contains(purpose, StringComparer.Ordinal);
    }
}
