using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>What a self-service link (password reset, new email address) is worth when it is opened.</summary>
public enum AccountLinkState
{
    Valid,

    /// <summary>Made by this portal for this account, but too old.</summary>
    Expired,

    /// <summary>The account changed since (the link was used, the password or address changed): it is spent.</summary>
    Spent,

    /// <summary>Altered, truncated, for another purpose or account, or protected with a key the portal no longer has.</summary>
    Invalid,
}

/// <summary>
/// The links of a person's own account changes, like <see cref="InviteTokens"/>: a Data Protection payload with its
/// purpose, expiry on <see cref="TimeProvider"/>, the account, a hash of its security stamp and, for a new email
/// address, that address (encrypted with the rest, so it never stands in a URL in clear). The stamp makes a link single
/// use: a reset or an address change rotates it, which spends every link made before.
/// </summary>
public sealed class AccountLinks(IDataProtectionProvider protection, TimeProvider time)
{
    public const string PasswordReset = "password-reset.v1";
    public const string EmailChange = "email-change.v1";

    private readonly IDataProtector _protector = protection.CreateProtector("ScorePortal.Account.SelfService.v1");

    public string Create(string purpose, ApplicationUser user, TimeSpan lifetime, string? newEmail = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var expires = (time.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        var payload = string.Join('\n', purpose, expires.ToString(CultureInfo.InvariantCulture), user.Id, StampHash(user.SecurityStamp), newEmail ?? "");
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>What <paramref name="token"/> is worth for <paramref name="user"/>; <paramref name="newEmail"/> is the address an email-change link carries.</summary>
    public AccountLinkState Check(string purpose, string? token, ApplicationUser? user, out string? newEmail)
    {
        newEmail = null;
        if (user is null || string.IsNullOrEmpty(token) || token.Length > 2048) return AccountLinkState.Invalid;
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return AccountLinkState.Invalid;
        }
        if (parts.Length != 5 || parts[0] != purpose || parts[2] != user.Id
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return AccountLinkState.Invalid;
        if (parts[3] != StampHash(user.SecurityStamp)) return AccountLinkState.Spent;
        if (time.GetUtcNow().ToUnixTimeSeconds() >= expires) return AccountLinkState.Expired;
        newEmail = parts[4].Length > 0 ? parts[4] : null;
        return AccountLinkState.Valid;
    }

    /// <summary>A key for the limits store that names one link without holding it (single use, <c>TrySpendAsync</c>).</summary>
    public static string SpentKey(string token) =>
        "account:link:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..32];

    /// <summary>A hash of an account id for limit keys: no account id in clear in the shared store.</summary>
    public static string AccountKey(string userId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("account:" + userId)))[..32];

    private static string StampHash(string? stamp) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stamp ?? "")))[..32];
}
