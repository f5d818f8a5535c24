using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Retention;

namespace ScorePortal.Features.ShareLinks;

/// <summary>
/// Deletes share links Retention:ShareLinks (30 days) after they expired or were revoked, whichever came first
/// (docs/privacy.md): the note may name a person, and a link nobody can open any more has nothing left to show its holder.
/// </summary>
internal sealed class ShareLinkRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RetentionOptions> options) : IRetentionRule
{
    public string Name => "share-links";

    public TimeSpan Period => options.Value.ShareLinks;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var batch = await db.ShareLinks
                .Where(l => l.ExpiresAt < pass.Cutoff || l.RevokedAt < pass.Cutoff)
                .OrderBy(l => l.Id).Select(l => l.Id).Take(pass.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) return total;
            total += await db.ShareLinks.Where(l => batch.Contains(l.Id)).ExecuteDeleteAsync(ct);
        }
    }
}
