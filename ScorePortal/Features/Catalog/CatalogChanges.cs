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
        var cleared = false;
        // The caller's changes are tracked before this runs, so a retry keeps them (startAfresh: false) and they are
        // accepted only once committed. Once the recomputation has cleared them a retry has nothing left to save: it ends
        // in an error (nothing stored) rather than committing the recomputation alone.
        var saved = await db.InTransactionAsync(async (tx, ct) =>
        {
            if (cleared) throw new InvalidOperationException("A catalog change failed during its recomputation; nothing was stored. Try again.");
            try
            {
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            }
            catch (DbUpdateException ex) when (!SqliteRetryingExecutionStrategy.IsTransient(ex))
            {
                return false;
            }
            if (rescored is not null)
            {
                var scores = rescored();
                cleared = true;
                db.ChangeTracker.Clear();
                changes = await outcomes.RecomputeAsync(db, await Outcomes.CandidatesOfAsync(scores, ct), ct);
            }
            await tx.CommitAsync(ct);
            return true;
        }, ct, startAfresh: false);
        if (!saved) return false;
        db.ChangeTracker.AcceptAllChanges();
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
