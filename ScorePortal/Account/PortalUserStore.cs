using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// Identity's EF store with the two second-factor secrets kept out of plain text in <c>AspNetUserTokens</c>: the
/// authenticator key is sealed with the field key ring (AES-256-GCM, bound to the user id, so a sealed key copied to
/// another user's row does not open), and recovery codes are stored as HMAC-SHA256 digests under a key derived from
/// the portal secret, so a database copy cannot be used to sign in. Other tokens stay as Identity writes them.
/// Values written before this store existed still work: a plain key is read as is, a plain recovery code is
/// accepted once and the remaining codes are stored hashed; <c>rotate-keys</c> migrates the rest.
/// Passkeys (<see cref="IUserPasskeyStore{TUser}"/>, <c>AspNetUserPasskeys</c> of Identity's schema version 3) are
/// Identity's own: a passkey row holds a public key and a name, no secret, so nothing is sealed there.
/// </summary>
public sealed class PortalUserStore(ScorePortalDbContext context, FieldProtector protector, KeyDerivation keys, IdentityErrorDescriber? describer = null)
    : UserStore<ApplicationUser, IdentityRole, ScorePortalDbContext>(context, describer)
{
    /// <summary>Identity's own names for the two tokens (private constants of <c>UserStoreBase</c>).</summary>
    internal const string InternalLoginProvider = "[AspNetUserStore]";
    internal const string AuthenticatorKeyName = "AuthenticatorKey";
    internal const string RecoveryCodesName = "RecoveryCodes";

    private const string SealedPrefix = "e1$";
    private const string HashedPrefix = "h1$";

    private readonly byte[] _codeKey = keys.DeriveKey("ScorePortal recovery codes");

    public override async Task<string?> GetAuthenticatorKeyAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        var stored = await base.GetAuthenticatorKeyAsync(user, cancellationToken);
        return OpenKey(protector, user.Id, stored);
    }

    public override Task SetAuthenticatorKeyAsync(ApplicationUser user, string key, CancellationToken cancellationToken) =>
        base.SetAuthenticatorKeyAsync(user, SealKey(protector, user.Id, key), cancellationToken);

    public override Task ReplaceCodesAsync(ApplicationUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(c => HashCode(_codeKey, user.Id, c)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(ApplicationUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(code);
        var stored = await GetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, cancellationToken) ?? "";
        var entries = stored.Split(';', StringSplitOptions.RemoveEmptyEntries).ToList();
        var digest = HashCode(_codeKey, user.Id, code);
        var match = entries.FindIndex(e => e.StartsWith(HashedPrefix, StringComparison.Ordinal)
            ? CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(e), Encoding.ASCII.GetBytes(digest))
            : e == code);
        if (match < 0) return false;
        entries.RemoveAt(match);
        // Codes stored in plain text before this store existed are hashed now, with the rest.
        var remaining = entries.Select(e => e.StartsWith(HashedPrefix, StringComparison.Ordinal) ? e : HashCode(_codeKey, user.Id, e));
        await SetTokenAsync(user, InternalLoginProvider, RecoveryCodesName, string.Join(';', remaining), cancellationToken);
        return true;
    }

    internal static string SealKey(FieldProtector protector, string userId, string key) =>
        SealedPrefix + Convert.ToBase64String(protector.ProtectBytes(Encoding.UTF8.GetBytes(key), Binding(userId)));

    internal static string? OpenKey(FieldProtector protector, string userId, string? stored) =>
        stored is not null && stored.StartsWith(SealedPrefix, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(protector.UnprotectBytes(Convert.FromBase64String(stored[SealedPrefix.Length..]), Binding(userId)))
            : stored;

    internal static string HashCode(byte[] key, string userId, string code) =>
        HashedPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId + "\n" + code)));

    private static string Binding(string userId) => "AspNetUserTokens.AuthenticatorKey:" + userId;

    /// <summary>
    /// Seals (again, under the current key) every authenticator key and hashes every recovery code still in plain
    /// text: part of <c>rotate-keys</c>. Returns the number of rows rewritten.
    /// </summary>
    internal static async Task<int> ProtectStoredTokensAsync(ScorePortalDbContext db, FieldProtector protector, KeyDerivation keys, CancellationToken ct)
    {
        var codeKey = keys.DeriveKey("ScorePortal recovery codes");
        var tokens = await db.UserTokens
            .Where(t => t.LoginProvider == InternalLoginProvider && (t.Name == AuthenticatorKeyName || t.Name == RecoveryCodesName))
            .ToListAsync(ct);
        var rows = 0;
        foreach (var token in tokens.Where(t => t.Value is not null))
        {
            var value = token.Name == AuthenticatorKeyName
                ? SealKey(protector, token.UserId, OpenKey(protector, token.UserId, token.Value)!)
                : string.Join(';', token.Value!.Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(e => e.StartsWith(HashedPrefix, StringComparison.Ordinal) ? e : HashCode(codeKey, token.UserId, e)));
            if (value == token.Value) continue;
            token.Value = value;
            rows++;
        }
        await db.SaveChangesAsync(ct);
        return rows;
    }
}
