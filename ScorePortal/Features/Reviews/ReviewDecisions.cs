using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// The decided reviews a result batch touches: subjects where the batch carries a row while a review decision is the
/// current score. Publication and retraction leave the decision current (see <c>PublishBatch</c>/<c>RetractBatch</c>);
/// the batch page lists these case numbers so the admins see it before they approve.
/// </summary>
public static class ReviewDecisions
{
    public static Task<List<string>> TouchedByBatchAsync(ScorePortalDbContext db, int batchId, CancellationToken ct) =>
        db.ReviewRequests.AsNoTracking()
            .Where(r => r.Status == ReviewStatus.Decided
                        && db.SubjectScores.Any(d => d.IsCurrent && d.ReviewRequestId == r.Id)
                        && db.SubjectScores.Any(s => s.ResultBatchId == batchId && s.ReviewRequestId == null
                                                     && s.RegistrationId == r.RegistrationId && s.SubjectId == r.SubjectId))
            .OrderBy(r => r.Id)
            .Select(r => r.CaseNumber)
            .Take(200)
            .ToListAsync(ct);
}
