using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScorePortal.Data;

/// <summary>
/// The one way to run an explicit transaction: inside the context's execution strategy, so a transient fault (SQL
/// Server failing over, SQLite still locked after its busy timeout) re-runs the whole unit of work within the retry budget
/// (<see cref="DatabaseOptions.MaxRetryCount"/>). EF refuses a user-started transaction outside the strategy once it
/// retries, so a bare <c>BeginTransactionAsync</c> fails in every test (SQLite runs a retrying strategy too).
/// <code>
/// return await db.InTransactionAsync(async (transaction, ct) =>
/// {
///     ... reads and writes ...
///     await transaction.CommitAsync(ct);
///     return result;
/// }, ct);
/// </code>
/// The work commits itself; leaving it without a commit rolls back (as leaving a <c>using</c> block does). A retry
/// starts from a cleared change tracker, so the work loads inside itself whatever it changes, and whatever it adds is
/// made inside it; anything it does outside the database (an audit record, a message) comes after the call.
/// </summary>
public static class DatabaseTransactions
{
    /// <param name="startAfresh">
    /// True (the default): a retry starts from a cleared change tracker. False: the caller tracked its changes before
    /// the call; the work saves them with <c>SaveChangesAsync(acceptAllChangesOnSuccess: false)</c> so that a retry
    /// saves them again, and the caller accepts them after the call.
    /// </param>
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<IDbContextTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken, bool startAfresh = true)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        var attempt = 0;
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            // What a failed attempt added or changed must not be saved by the next one.
            if (attempt++ > 0 && startAfresh) db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            return await work(transaction, ct);
        }, cancellationToken);
    }

    public static Task InTransactionAsync(this DbContext db, Func<IDbContextTransaction, CancellationToken, Task> work,
        CancellationToken cancellationToken) =>
        db.InTransactionAsync<bool>(async (transaction, ct) =>
        {
            await work(transaction, ct);
            return true;
        }, cancellationToken);
}
