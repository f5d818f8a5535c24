using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// One assignment as its expert sees it: an anonymous number, the subject and its full marks, the script link and
/// the expert's own mark. No name, ID, province, materials, published score or other experts' marks.
/// </summary>
public sealed record AssignmentView(int Id, string SubjectZh, string SubjectEn, decimal FullMarks, DateTimeOffset AssignedAt,
    bool Open, decimal? Score, string? Comment, DateTimeOffset? MarkedAt);

/// <summary>The expert's worklist: only their own assignments, never of a candidate of their own province.</summary>
public sealed class ExpertAssignments(IDbContextFactory<ScorePortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<AssignmentView>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        if (province is null) return [];
        return await db.ExpertMarks.AsNoTracking()
            .Where(m => m.ExpertUserId == userId && m.ReviewRequest.ProvinceCode != province)
            .OrderBy(m => m.MarkedAt != null).ThenByDescending(m => m.AssignedAt).ThenByDescending(m => m.Id)
            .Take(200)
            .Select(m => new AssignmentView(m.Id,
                db.Subjects.Where(s => s.Id == m.ReviewRequest.SubjectId).Select(s => s.NameZh).First(),
                db.Subjects.Where(s => s.Id == m.ReviewRequest.SubjectId).Select(s => s.NameEn).First(),
                db.Subjects.Where(s => s.Id == m.ReviewRequest.SubjectId).Select(s => s.FullMarks).First(),
                m.AssignedAt, m.ReviewRequest.Status == ReviewStatus.Remarking && m.MarkedAt == null, m.Score, m.Comment, m.MarkedAt))
            .ToListAsync(ct);
    }
}
