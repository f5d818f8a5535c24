using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// The issuer's ES256 keys: the one that signs now, the ones the DID document lists, and rotation. The first key is
/// made on first use (one row; two instances making one at once leave two listed keys, of which the newer signs).
/// </summary>
public sealed class CredentialKeys(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The newest key that is not retired, made when there is none.</summary>
    public async Task<CredentialSigningKey> SigningKeyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.CredentialSigningKeys.AsNoTracking().Where(k => k.RetiredAt == null).OrderByDescending(k => k.Id).FirstOrDefaultAsync(ct);
        if (key is not null) return key;
        key = NewKey(time.GetUtcNow());
        db.CredentialSigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>
    /// Retires every signing key and makes a new one, in one transaction. Credentials already issued keep their
    /// signatures: their key stays listed until none of them is valid any more.
    /// </summary>
    public async Task<(CredentialSigningKey Key, int Retired)> RotateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        return await db.InTransactionAsync(async (tx, token) =>
        {
            var retired = await db.CredentialSigningKeys.Where(k => k.RetiredAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.RetiredAt, now), token);
            var key = NewKey(now);
            db.CredentialSigningKeys.Add(key);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return (key, retired);
        }, ct);
    }

    /// <summary>The keys the DID document lists: the signing ones, and each retired one while a credential it signed is valid.</summary>
    public async Task<IReadOnlyList<CredentialSigningKey>> ListedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CredentialSigningKeys.AsNoTracking()
            .Where(k => k.RetiredAt == null || db.IssuedCredentials.Any(c => c.SigningKeyId == k.Id && c.Status == CredentialStatus.Valid))
            .OrderBy(k => k.Id)
            .ToListAsync(ct);
    }

    /// <summary>The private key of a row; the caller disposes it.</summary>
    public static ECDsa Open(CredentialSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(key.PrivateKey), out _);
        return ecdsa;
    }

    public static JsonObject PublicJwk(CredentialSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (JsonObject)JsonNode.Parse(key.PublicJwk)!;
    }

    private static CredentialSigningKey NewKey(DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CredentialSigningKey
        {
            PublicJwk = Jose.PublicJwk(ecdsa).ToJsonString(),
            PrivateKey = Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
        };
    }
}
