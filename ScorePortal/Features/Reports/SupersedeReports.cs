using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Marks valid reports "superseded" when the figures behind them change. Called inside the transaction that changes
/// them (publication and retraction of a batch; a review decision), so a report never verifies as valid for figures
/// that are no longer current. Every report of a touched candidate is marked, not only the session's: carried-over
/// passes and the certificate print on the candidate's other reports too.
/// </summary>
public static class SupersedeReports
{
    /// <summary>Reports of every candidate with a score in the batch.</summary>
    public static Task<int> ForBatchAsync(ScorePortalDbContext db, int batchId, DateTimeOffset now, CancellationToken ct) =>
        db.ReportIssues
            .Where(r => r.Status == ReportStatus.Valid
                        && db.SubjectScores.Any(s => s.ResultBatchId == batchId && s.Registration.CandidateId == r.CandidateId))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ReportStatus.Superseded).SetProperty(r => r.EndedAt, now), ct);

    /// <summary>Reports of one candidate (a review decision changed one of their scores).</summary>
    public static Task<int> ForCandidateAsync(ScorePortalDbContext db, int candidateId, DateTimeOffset now, CancellationToken ct) =>
        db.ReportIssues
            .Where(r => r.Status == ReportStatus.Valid && r.CandidateId == candidateId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ReportStatus.Superseded).SetProperty(r => r.EndedAt, now), ct);
}
