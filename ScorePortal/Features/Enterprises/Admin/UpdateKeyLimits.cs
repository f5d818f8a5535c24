using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record UpdateKeyLimitsRequest(int EnterpriseId, int KeyId, int RatePerMinute, int DailyQuota, string AdminUserId);

/// <summary>An admin changes a key's rate limit and daily quota; they apply from the next call. A revoked key keeps its last limits.</summary>
public sealed class UpdateKeyLimits(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit)
{
    public async Task<EditResult> HandleAsync(UpdateKeyLimitsRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        ApiKeyLimits.Validate(check, request.RatePerMinute, request.DailyQuota);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == request.KeyId && k.EnterpriseId == request.EnterpriseId, ct);
        if (key is null) return EditResult.Refused("", RotateApiKey.KeyNotFound);
        if (key.RevokedAt is not null) return EditResult.Refused("", RevokeApiKey.AlreadyRevoked);
        if (key.RateLimitPerMinute == request.RatePerMinute && key.DailyQuota == request.DailyQuota) return EditResult.Saved(key.Id);

        var before = (key.RateLimitPerMinute, key.DailyQuota);
        key.RateLimitPerMinute = request.RatePerMinute;
        key.DailyQuota = request.DailyQuota;
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(EnterpriseAudit.Key(AuditActions.ApiKeyLimits, request.AdminUserId, key.EnterpriseId, key.Id,
            new Dictionary<string, string?>
            {
                ["ratePerMinuteBefore"] = EditValidator.Invariant(before.RateLimitPerMinute),
                ["ratePerMinute"] = EditValidator.Invariant(key.RateLimitPerMinute),
                ["dailyQuotaBefore"] = EditValidator.Invariant(before.DailyQuota),
                ["dailyQuota"] = EditValidator.Invariant(key.DailyQuota),
            }), CancellationToken.None);
        return EditResult.Saved(key.Id);
    }
}
