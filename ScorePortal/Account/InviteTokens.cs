using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>What an invitation link is worth when it is opened.</summary>
public enum InviteLinkState
{
    /// <summary>The link opens the set-password form.</summary>
    Valid,

    /// <summary>Made by this portal for this account, but too old: the admin sends a new one.</summary>
    Expired,

    /// <summary>The invitation was accepted (a password is set): the link is spent.</summary>
    Accepted,

    /// <summary>A newer invitation was sent to the account (or it changed otherwise): only the newest link works.</summary>
    Replaced,

    /// <summary>Altered, truncated, for another account, or protected with a key the portal no longer has.</summary>
    Invalid,
}

/// <summary>
/// The one-time link of an invitation. Like <see cref="EmailConfirmationTokenProvider"/> a Data Protection payload
/// with its expiry on <see cref="TimeProvider"/> (tests move the clock), bound to the account, the address it was sent
/// to (a hash) and the security stamp. Single use follows from the stamp: setting the password rotates it, and so does
/// sending the invitation again, which leaves only the newest link working. Unlike Identity's token providers it tells
/// an expired link from a spent or replaced one, so the person reads what to do next.
/// </summary>
public sealed class InviteTokens(IDataProtectionProvider protection, TimeProvider time, IOptions<InviteOptions> options)
{
    private const string Version = "invite.v1";

    private readonly IDataProtector _protector = protection.CreateProtector("ScorePortal.Account.Invite.v1");

    public TimeSpan Lifetime => options.Value.LinkLifetime;

    /// <summary>A token for <paramref name="user"/> as stored now (its id, address and current security stamp).</summary>
    public string Create(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var expires = (time.GetUtcNow() + options.Value.LinkLifetime).ToUnixTimeSeconds();
        var payload = string.Join('\n', Version, expires.ToString(CultureInfo.InvariantCulture), user.Id,
            AddressHash(user.Email), user.SecurityStamp ?? "");
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>What <paramref name="token"/> is worth for <paramref name="user"/> (null: the link named no account we have).</summary>
    public InviteLinkState Check(string? token, ApplicationUser? user)
    {
        if (user is null || string.IsNullOrEmpty(token) || token.Length > 2048) return InviteLinkState.Invalid;
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return InviteLinkState.Invalid;
        }
        if (parts.Length != 5 || parts[0] != Version || parts[2] != user.Id
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return InviteLinkState.Invalid;
        // The order matters for the message only: a spent link says so even when it is also old.
        if (user.PasswordHash is not null) return InviteLinkState.Accepted;
        if (time.GetUtcNow().ToUnixTimeSeconds() >= expires) return InviteLinkState.Expired;
        if (parts[3] != AddressHash(user.Email) || parts[4] != (user.SecurityStamp ?? "")) return InviteLinkState.Replaced;
        return InviteLinkState.Valid;
    }

    // The address travels inside a token in mail and URLs: only a hash of it.
    private static string AddressHash(string? email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").ToUpperInvariant())))[..32];
}
