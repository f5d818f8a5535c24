using System.Collections.Concurrent;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A subscriber of result changes in every test host (<see cref="PortalFactory"/>): it records what it is told, inside
/// the raising transaction and after the commit through the outbox, and can be made to fail inside the transaction.
/// Tests find their own events by batch or review id; other tests of the same portal raise theirs too.
/// </summary>
public sealed class ResultChangedRecorder : IResultChangedInTransaction, IResultChangedSubscriber
{
    private readonly ConcurrentQueue<ResultChanged> _inTransaction = new();
    private readonly ConcurrentQueue<ResultChanged> _delivered = new();

    /// <summary>Events the in-transaction part saw (some may have been rolled back since).</summary>
    public IReadOnlyCollection<ResultChanged> InTransaction => _inTransaction;

    /// <summary>Events delivered after their commit, repeats included.</summary>
    public IReadOnlyCollection<ResultChanged> Delivered => _delivered;

    /// <summary>When it returns true for an event, the in-transaction part throws (and the change rolls back).</summary>
    public Func<ResultChanged, bool>? FailInTransaction { get; set; }

    public Task OnResultChangedAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken cancellationToken)
    {
        _inTransaction.Enqueue(change);
        if (FailInTransaction?.Invoke(change) == true) throw new InvalidOperationException("The test subscriber failed inside the transaction.");
        return Task.CompletedTask;
    }

    public Task OnResultChangedAsync(ResultChanged change, CancellationToken cancellationToken)
    {
        _delivered.Enqueue(change);
        return Task.CompletedTask;
    }
}
