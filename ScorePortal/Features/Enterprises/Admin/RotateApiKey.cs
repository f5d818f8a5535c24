using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

/// <param name="OverlapDays">How long the old key keeps working beside the new one (0 to <see cref="RotateApiKey.MaxOverlapDays"/>).</param>
public sealed record RotateApiKeyRequest(int EnterpriseId, int KeyId, int OverlapDays, string AdminUserId);

/// <summary>
/// An admin rotates a key: a new key with the old one's label and limits, shown once; the old key keeps working for
/// the overlap (the enterprise deploys the new one meanwhile), then never again (<see cref="ApiKey.ExpiresAt"/>), and
/// names its successor (<see cref="ApiKey.ReplacedByKeyId"/>). Overlap 0 ends the old key at once. A key is rotated
/// once: the conditional update of the old row is the concurrency check, and the loser's new key is rolled back.
/// </summary>
public sealed class RotateApiKey(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const int DefaultOverlapDays = 7;
    public const int MaxOverlapDays = 30;
    public const string KeyNotFound = "EnterpriseAdmin.Error.KeyNotFound";
    public const string NotRotatable = "EnterpriseAdmin.Error.KeyNotRotatable";
    public const string OverlapRange = "EnterpriseAdmin.Error.OverlapRange";

    public async Task<IssuedKey> HandleAsync(RotateApiKeyRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OverlapDays is < 0 or > MaxOverlapDays)
            return new IssuedKey(EditResult.Refused("OverlapDays", OverlapRange, MaxOverlapDays), null);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var old = await db.ApiKeys.AsNoTracking().Include(k => k.Enterprise)
            .FirstOrDefaultAsync(k => k.Id == request.KeyId && k.EnterpriseId == request.EnterpriseId, ct);
        if (old is null) return new IssuedKey(EditResult.Refused("", KeyNotFound), null);
        if (old.Enterprise.IsSuspended) return new IssuedKey(EditResult.Refused("", IssueApiKey.Suspended), null);
        if (!old.IsUsable(now) || old.ReplacedByKeyId is not null) return new IssuedKey(EditResult.Refused("", NotRotatable), null);

        var (key, prefix, hash) = ApiKeySecrets.NewKey();
        var successor = new ApiKey
        {
            EnterpriseId = old.EnterpriseId, Label = old.Label, Prefix = prefix, Hash = hash,
            RateLimitPerMinute = old.RateLimitPerMinute, DailyQuota = old.DailyQuota, CreatedAt = now, CreatedBy = request.AdminUserId,
        };
        DateTimeOffset? expires = now + TimeSpan.FromDays(request.OverlapDays);
        var rotated = await db.InTransactionAsync(async (transaction, ct) =>
        {
            successor.Id = 0; // a retried attempt inserts afresh
            db.ApiKeys.Add(successor);
            await db.SaveChangesAsync(ct);
            int? successorId = successor.Id;
            var replaced = await db.ApiKeys
                .Where(k => k.Id == old.Id && k.ReplacedByKeyId == null && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, expires).SetProperty(k => k.ReplacedByKeyId, successorId), ct);
            if (replaced == 0) return false; // rotated or revoked meanwhile: rolled back
            await transaction.CommitAsync(ct);
            return true;
        }, async ct => await db.ApiKeys.AsNoTracking().AnyAsync(k => k.Id == old.Id && k.ReplacedByKeyId == successor.Id, ct)
            ? DatabaseTransactions.Committed(true) // rotated: a second run would refuse, and the new key would never be shown
            : DatabaseTransactions.NotCommitted<bool>(), ct);
        if (!rotated) return new IssuedKey(EditResult.Refused("", NotRotatable), null);

        await audit.WriteDurableAsync(EnterpriseAudit.Key(AuditActions.ApiKeyRotate, request.AdminUserId, old.EnterpriseId, old.Id,
            new Dictionary<string, string?>
            {
                ["successorId"] = EnterpriseAudit.Id(successor.Id),
                ["successorPrefix"] = prefix,
                ["overlapDays"] = EditValidator.Invariant(request.OverlapDays),
            }), CancellationToken.None);
        return new IssuedKey(EditResult.Saved(successor.Id), key);
    }
}
