using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using ScorePortal.Data;

namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Stamps new outbox messages with the portal's clock when they are saved, and wakes the worker once they are
/// committed: right after SaveChanges when it ran its own transaction, at the commit of the caller's transaction
/// otherwise (waking earlier would find nothing, and the message would wait for the next poll). Only contexts that
/// enqueued are looked at.
/// </summary>
internal sealed class OutboxInterceptor(TimeProvider time, OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Transactions that carry saved but uncommitted outbox rows; a rolled-back one is simply forgotten.
    private readonly ConditionalWeakTable<DbTransaction, object> _carrying = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Committed(transaction);
        return Task.CompletedTask;
    }

    private void Stamp(DbContext? context)
    {
        if (context is not ScorePortalDbContext db || !OutboxEnqueueExtensions.HasPending(db)) return;
        var now = time.GetUtcNow();
        foreach (var entry in db.ChangeTracker.Entries<OutboxMessage>())
        {
            if (entry.State != EntityState.Added || entry.Entity.CreatedAt != default) continue;
            entry.Entity.CreatedAt = now;
            entry.Entity.NextAttemptAt = now;
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is not ScorePortalDbContext db || !OutboxEnqueueExtensions.HasPending(db)) return;
        OutboxEnqueueExtensions.ClearPending(db);
        if (db.Database.CurrentTransaction is { } transaction)
            _carrying.AddOrUpdate(transaction.GetDbTransaction(), this);
        else
            signal.Notify();
    }

    private void Committed(DbTransaction transaction)
    {
        if (_carrying.Remove(transaction)) signal.Notify();
    }
}
