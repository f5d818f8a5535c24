using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reports;

public sealed record RevokeReportRequest(string UserId, int ReportId, string? SourceIp);

/// <summary>
/// The candidate withdraws one of their reports (handed to the wrong employer, lost): from now on /verify says
/// "revoked" for its code and its file. Only a valid report of their own; anything else is "not found".
/// </summary>
public sealed class RevokeReport(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>True when revoked now; false when there is no such valid report of this candidate.</summary>
    public async Task<bool> HandleAsync(RevokeReportRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var revoked = await db.ReportIssues
            .Where(r => r.Id == request.ReportId && r.Candidate.UserId == request.UserId && r.Status == ReportStatus.Valid)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ReportStatus.Revoked).SetProperty(r => r.EndedAt, now), ct);
        if (revoked == 1)
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReportRevoke, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
                TargetType: "report", TargetId: request.ReportId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                SourceIp: request.SourceIp), CancellationToken.None);
        return revoked == 1;
    }
}
