using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// The tail every catalog edit shares, written once: store the change; when scores are judged by what changed (a
/// pass line, a validity rule), recompute those candidates' outcomes in the same transaction, so no certificate
/// rests on the old rule; clear the caches the public pages and analytics read; audit the change.
/// </summary>
public sealed class CatalogChanges(Outcomes outcomes, HybridCache cache, ResultCatalog catalog, AuditLog audit)
{
    /// <summary>
    /// Saves what <paramref name="db"/> tracks. <paramref name="rescored"/> selects the scores whose candidates'
    /// outcomes the change affects (null: none). <paramref name="record"/> makes the audit entry once ids are known;
    /// it gets the outcome changes (null when nothing was recomputed). False when the database refused the change
    /// (a unique code taken meanwhile): nothing was stored.
    /// </summary>
    internal async Task<bool> SaveAsync(ScorePortalDbContext db, Func<IQueryable<SubjectScore>>? rescored,
        Func<OutcomeChanges?, AuditRecord> record, CancellationToken ct)
    {
        OutcomeChanges? changes = null;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return false;
            }
            if (rescored is not null)
            {
                var scores = rescored();
                db.ChangeTracker.Clear();
                changes = await outcomes.RecomputeAsync(db, await Outcomes.CandidatesOfAsync(scores, ct), ct);
            }
            await tx.CommitAsync(ct);
        }
        if (changes is not null) await cache.RemoveByTagAsync(ResultCaches.AnalyticsTag, CancellationToken.None);
        await RecordAsync(record(changes));
        return true;
    }

    /// <summary>After a change stored otherwise (a delete): the public pages' catalog is read afresh, and the change audited.</summary>
    internal async Task RecordAsync(AuditRecord record)
    {
        await catalog.InvalidateAsync(CancellationToken.None);
        await audit.WriteDurableAsync(record, CancellationToken.None);
    }

    /// <summary>How many certificates a recomputation issued and revoked, for the audit entry.</summary>
    internal static Dictionary<string, string?> OutcomeData(OutcomeChanges changes) => new()
    {
        ["certificatesIssued"] = ScorePortal.Components.Forms.EditValidator.Invariant(changes.Issued),
        ["certificatesRevoked"] = ScorePortal.Components.Forms.EditValidator.Invariant(changes.Revoked),
    };
}
