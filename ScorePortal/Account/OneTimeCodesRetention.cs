using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Retention;

namespace ScorePortal.Account;

/// <summary>
/// Deletes one-time codes (their salted hashes, purpose and attempts) Retention:OneTimeCodes after they expired; a code
/// lives minutes, the day after is for the "too many codes" window (<see cref="OneTimeCodes"/>) and for support.
/// Codes are numbered in the order they were made and all live equally long, so the pass stops at the first one not yet due.
/// </summary>
internal sealed class OneTimeCodesRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RetentionOptions> options) : IRetentionRule
{
    public string Name => "one-time-codes";

    public TimeSpan Period => options.Value.OneTimeCodes;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var page = await db.OneTimeCodes.OrderBy(c => c.Id).Take(pass.BatchSize).Select(c => new { c.Id, c.ExpiresAt }).ToListAsync(ct);
            var due = page.TakeWhile(c => c.ExpiresAt < pass.Cutoff).Select(c => c.Id).ToList();
            if (due.Count == 0) return total;
            total += await db.OneTimeCodes.Where(c => due.Contains(c.Id)).ExecuteDeleteAsync(ct);
            if (due.Count < page.Count) return total;
        }
    }
}
