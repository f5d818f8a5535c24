using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reviews;

/// <summary>One province's reviews in a session: how many were filed, decided, changed, and the average days to decide.</summary>
public sealed record ReviewFigureRow(string ProvinceCode, int Requests, int Decided, int Changed, int Rejected, double? AverageDaysToDecide);

/// <summary>
/// The review figures of the admin analytics page, per session and province. Requests are few (thousands, not
/// millions), so they are read and summed here; nothing of a candidate leaves this class but counts.
/// </summary>
public sealed class ReviewFigures(IDbContextFactory<ScorePortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ReviewFigureRow>> ForSessionAsync(int sessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ReviewRequests.AsNoTracking().Where(r => r.ExamSessionId == sessionId)
            .Select(r => new { r.ProvinceCode, r.Status, r.Changed, r.SubmittedAt, r.ClosedAt })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.ProvinceCode).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var decided = g.Where(r => r.Status == ReviewStatus.Decided && r.ClosedAt is not null).ToList();
            return new ReviewFigureRow(g.Key, g.Count(), decided.Count, decided.Count(r => r.Changed == true),
                g.Count(r => r.Status == ReviewStatus.Rejected),
                decided.Count == 0 ? null : decided.Average(r => (r.ClosedAt!.Value - r.SubmittedAt).TotalDays));
        }).ToList();
    }
}
