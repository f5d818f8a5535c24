using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Retention;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// Removes the uploaded files of review cases closed more than Retention:ReviewMaterials ago (the appeal period): the
/// encrypted bytes on disk first, then their rows, so a pass cut short leaves rows the next pass finishes (deleting a
/// missing file is a no-op). The case, its timeline, the expert marks, the decision and the score versions stay.
/// </summary>
internal sealed class ReviewMaterialsRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, ReviewFileStore files,
    IOptions<RetentionOptions> options) : IRetentionRule
{
    public string Name => "review-materials";

    public TimeSpan Period => options.Value.ReviewMaterials;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var due = await db.ReviewFiles
                .Where(f => f.ReviewRequest.ClosedAt != null && f.ReviewRequest.ClosedAt < pass.Cutoff)
                .OrderBy(f => f.ReviewRequestId).Take(pass.BatchSize).Select(f => f.Id).ToListAsync(ct);
            if (due.Count == 0) return total;
            foreach (var id in due) files.Delete(id);
            total += await db.ReviewFiles.Where(f => due.Contains(f.Id)).ExecuteDeleteAsync(ct);
            if (due.Count < pass.BatchSize) return total;
        }
    }
}
