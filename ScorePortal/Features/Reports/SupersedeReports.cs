using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Marks valid reports "superseded" when the figures behind them change: the Reports feature's part of every
/// <see cref="ResultChanged"/> (publication and retraction of a batch, a score-changing review decision). It runs
/// inside the transaction that changes the figures (<see cref="IResultChangedInTransaction"/>, see
/// <see cref="ResultEvents"/> for why not after the commit), so a report never verifies as valid for figures that are
/// no longer current. Every report of a touched candidate is marked, not only the session's: carried-over passes and
/// the certificate print on the candidate's other reports too. Running it twice changes nothing more.
/// </summary>
public sealed class SupersedeReports : IResultChangedInTransaction
{
    public Task OnResultChangedAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        return change.Kind switch
        {
            ResultChangeKind.ReviewDecided => ForCandidateAsync(db, change.CandidateId!.Value, change.At, cancellationToken),
            _ => ForBatchAsync(db, change.BatchId!.Value, change.At, cancellationToken),
        };
    }

    /// <summary>Reports of every candidate with a score in the batch.</summary>
    private static Task<int> ForBatchAsync(ScorePortalDbContext db, int batchId, DateTimeOffset now, CancellationToken ct) =>
        db.ReportIssues
            .Where(r => r.Status == ReportStatus.Valid
                        && db.SubjectScores.Any(s => s.ResultBatchId == batchId && s.Registration.CandidateId == r.CandidateId))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ReportStatus.Superseded).SetProperty(r => r.EndedAt, now), ct);

    /// <summary>Reports of one candidate (a review decision changed one of their scores).</summary>
    private static Task<int> ForCandidateAsync(ScorePortalDbContext db, int candidateId, DateTimeOffset now, CancellationToken ct) =>
        db.ReportIssues
            .Where(r => r.Status == ReportStatus.Valid && r.CandidateId == candidateId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, ReportStatus.Superseded).SetProperty(r => r.EndedAt, now), ct);
}
