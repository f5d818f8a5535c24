using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record IssueApiKeyRequest(int EnterpriseId, string? Label, int RatePerMinute, int DailyQuota, string AdminUserId);

/// <summary>
/// A key issued or rotated: <see cref="Key"/> is the secret, to be shown once and then forgotten (only its hash is
/// stored); null when refused.
/// </summary>
public sealed record IssuedKey(EditResult Result, string? Key)
{
    public bool Succeeded => Result.Succeeded;
}

/// <summary>
/// An admin issues an API key to an enterprise (<see cref="ApiKeySecrets.NewKey"/>: 256 random bits, stored as its
/// SHA-256). A suspended enterprise gets none until it is reactivated.
/// </summary>
public sealed class IssueApiKey(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const string Suspended = "EnterpriseAdmin.Error.Suspended";

    public async Task<IssuedKey> HandleAsync(IssueApiKeyRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        var label = check.Text<ApiKey>(nameof(ApiKey.Label), request.Label);
        ApiKeyLimits.Validate(check, request.RatePerMinute, request.DailyQuota);
        if (check.Errors.Count > 0) return new IssuedKey(EditResult.Refused(check.Errors), null);
        var enterprise = await db.Enterprises.AsNoTracking().Where(e => e.Id == request.EnterpriseId)
            .Select(e => new { e.Id, e.SuspendedAt }).FirstOrDefaultAsync(ct);
        if (enterprise is null) return new IssuedKey(EditResult.Refused("", UpdateEnterprise.NotFound), null);
        if (enterprise.SuspendedAt is not null) return new IssuedKey(EditResult.Refused("", Suspended), null);

        var (key, prefix, hash) = ApiKeySecrets.NewKey();
        var row = new ApiKey
        {
            EnterpriseId = enterprise.Id, Label = label!, Prefix = prefix, Hash = hash,
            RateLimitPerMinute = request.RatePerMinute, DailyQuota = request.DailyQuota,
            CreatedAt = time.GetUtcNow(), CreatedBy = request.AdminUserId,
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(EnterpriseAudit.Key(AuditActions.ApiKeyIssue, request.AdminUserId, enterprise.Id, row.Id,
            new Dictionary<string, string?>
            {
                ["prefix"] = prefix,
                ["ratePerMinute"] = EditValidator.Invariant(row.RateLimitPerMinute),
                ["dailyQuota"] = EditValidator.Invariant(row.DailyQuota),
            }), CancellationToken.None);
        return new IssuedKey(EditResult.Saved(row.Id), key);
    }
}
