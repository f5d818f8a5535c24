using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// Email confirmation links. Identity's own DataProtectorTokenProvider reads the system clock, which tests cannot move
/// and the portal's rule forbids; this one protects the same kind of token with Data Protection and checks its expiry
/// on <see cref="TimeProvider"/>. A token is bound to the user, the purpose, the address it was sent to (a changed
/// address makes old links useless) and the security stamp (a password change does too). The token is URL-safe as is.
/// </summary>
public sealed class EmailConfirmationTokenProvider(IDataProtectionProvider protection, TimeProvider time,
    IOptions<EmailConfirmationOptions> options)
    : IUserTwoFactorTokenProvider<ApplicationUser>
{
    public const string ProviderName = "PortalEmailConfirmation";

    private readonly IDataProtector _protector = protection.CreateProtector("ScorePortal.Account.EmailConfirmation.v1");

    public async Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        var expires = (time.GetUtcNow() + options.Value.LinkLifetime).ToUnixTimeSeconds();
        var payload = string.Join('\n', expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await manager.GetUserIdAsync(user), purpose, AddressHash(await manager.GetEmailAsync(user)),
            await manager.GetSecurityStampAsync(user));
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false; // altered, truncated, or protected with a key this portal no longer has
        }
        return parts.Length == 5
               && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var expires)
               && time.GetUtcNow().ToUnixTimeSeconds() < expires
               && parts[1] == await manager.GetUserIdAsync(user)
               && parts[2] == purpose
               && parts[3] == AddressHash(await manager.GetEmailAsync(user))
               && parts[4] == await manager.GetSecurityStampAsync(user);
    }

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ApplicationUser> manager, ApplicationUser user) =>
        Task.FromResult(false); // links only, never a sign-in factor

    // The address is inside a token that travels in mail and URLs: only a hash of it.
    private static string AddressHash(string? email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").ToUpperInvariant())))[..32];
}
