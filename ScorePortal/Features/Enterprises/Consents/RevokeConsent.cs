using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Consents;

public sealed record RevokeConsentRequest(string UserId, int ConsentId, string? SourceIp);

/// <summary>
/// The candidate withdraws a consent, effective at once: <c>RevokedAt = ClosedAt = now</c> in one conditional update,
/// so the next API call under it is refused and the employee id is free again. Only an active consent of the account's
/// own record (found by the account, never by an id from the request); anything else is "not found".
/// </summary>
public sealed class RevokeConsent(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>True when revoked now; false when there is no such active consent of this candidate.</summary>
    public async Task<bool> HandleAsync(RevokeConsentRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ConsentChoices.CandidateIdAsync(db, request.UserId, ct) is not { } candidateId) return false;
        var now = time.GetUtcNow();
        var enterpriseId = await db.Consents.AsNoTracking()
            .Where(c => c.Id == request.ConsentId && c.CandidateId == candidateId)
            .Select(c => (int?)c.EnterpriseId).FirstOrDefaultAsync(ct);
        var revoked = await db.Consents
            .Where(c => c.Id == request.ConsentId && c.CandidateId == candidateId && c.RevokedAt == null && c.ClosedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.ClosedAt, now), ct);
        if (revoked == 1)
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.ConsentRevoke, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
                TargetType: "consent", TargetId: request.ConsentId.ToString(CultureInfo.InvariantCulture), SourceIp: request.SourceIp,
                Data: new Dictionary<string, string?> { ["enterprise"] = enterpriseId?.ToString(CultureInfo.InvariantCulture) }), CancellationToken.None);
        return revoked == 1;
    }
}
