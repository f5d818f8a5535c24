using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using ScorePortal.Operations;

namespace ScorePortal.Account;

/// <summary>
/// The second verification before a report download ("original password + dynamic code"). A passed check lasts
/// <see cref="Lifetime"/> and only for the download paths: it is a separate, protected, HttpOnly cookie scoped to
/// <see cref="Path"/>, bound to the account, never a change of the sign-in itself.
/// </summary>
public sealed class StepUp(IDataProtectionProvider dataProtection, TimeProvider time, IHostEnvironment environment)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    public const string CookieName = "ScorePortal.StepUp";
    public const string Path = "/me/reports";
    public const string Purpose = "step-up";

    private readonly IDataProtector _protector = dataProtection.CreateProtector("ScorePortal.StepUp.v1");

    public void Grant(HttpContext context, string userId)
    {
        var until = time.GetUtcNow() + Lifetime;
        var value = _protector.Protect(userId + "|" + until.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        context.Response.Cookies.Append(CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps || !environment.IsDevelopmentOrTesting(),
            SameSite = SameSiteMode.Strict,
            Path = Path,
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    public bool IsSatisfied(HttpContext context, string userId)
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
        var bar = plain.LastIndexOf('|');
        return bar > 0
            && plain.AsSpan(0, bar).SequenceEqual(userId)
            && long.TryParse(plain.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var until)
            && time.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(until);
    }
}
