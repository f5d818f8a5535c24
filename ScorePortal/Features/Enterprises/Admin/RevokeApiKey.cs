using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record RevokeApiKeyRequest(int EnterpriseId, int KeyId, string AdminUserId);

/// <summary>
/// An admin revokes a key: refused from the next call on, for good (a key in its rotation overlap too). The API finds
/// a key by its hash and checks <see cref="ApiKey.RevokedAt"/> on every call, so nothing cached outlives this.
/// </summary>
public sealed class RevokeApiKey(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const string AlreadyRevoked = "EnterpriseAdmin.Error.KeyAlreadyRevoked";

    public async Task<EditResult> HandleAsync(RevokeApiKeyRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (enterpriseId, keyId) = (request.EnterpriseId, request.KeyId);
        if (!await db.ApiKeys.AnyAsync(k => k.Id == keyId && k.EnterpriseId == enterpriseId, ct))
            return EditResult.Refused("", RotateApiKey.KeyNotFound);
        DateTimeOffset? now = time.GetUtcNow();
        var revoked = await db.ApiKeys.Where(k => k.Id == keyId && k.EnterpriseId == enterpriseId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        if (revoked == 0) return EditResult.Refused("", AlreadyRevoked);
        await audit.WriteDurableAsync(EnterpriseAudit.Key(AuditActions.ApiKeyRevoke, request.AdminUserId, enterpriseId, keyId), CancellationToken.None);
        return EditResult.Saved(keyId);
    }
}
