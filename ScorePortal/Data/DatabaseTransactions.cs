using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
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
/// <para>
/// A unit of work that must not run twice passes a verification as well: when a transient fault hit its commit (the
/// commit may have happened, its acknowledgement lost), the verification looks in the database for what only this
/// call's commit writes, and the work runs again only if it is not there (docs/operations.md, "Commit acknowledgement lost").
/// </para>
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

    /// <summary>
    /// As <see cref="InTransactionAsync{T}(DbContext, Func{IDbContextTransaction, CancellationToken, Task{T}}, CancellationToken, bool)"/>,
    /// for work that must not run twice: when a transient fault hides whether its commit happened (SQL Server failing
    /// over during COMMIT, a connection dropped before the acknowledgement), <paramref name="verifyCommitted"/> is
    /// asked first, on the same context, outside any transaction. It looks in the database for what only this call's
    /// commit can have written (the batch this call claimed, the version it stored) and answers
    /// <see cref="Committed{T}(T)"/> with the result to return, or <see cref="NotCommitted{T}"/>: then the work runs
    /// again as usual. The result it gives back is usually what the committing attempt left in the caller's variables
    /// (the commit it saw happen was that attempt's).
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<IDbContextTransaction, CancellationToken, Task<T>> work,
        Func<CancellationToken, Task<ExecutionResult<T>>> verifyCommitted, CancellationToken cancellationToken, bool startAfresh = true)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(verifyCommitted);
        var attempt = 0;
        CommitTracking? last = null;
        return db.Database.CreateExecutionStrategy().ExecuteAsync(work,
            async (_, work, ct) =>
            {
                if (attempt++ > 0 && startAfresh) db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                last = new CommitTracking(transaction);
                return await work(last, ct);
            },
            // A fault before the work asked to commit leaves nothing committed: only a failed commit is in doubt.
            async (_, _, ct) => last is { CommitRequested: true } ? await verifyCommitted(ct) : NotCommitted<T>(),
            cancellationToken);
    }

    /// <summary>The work's transaction, noting whether the work asked it to commit.</summary>
    private sealed class CommitTracking(IDbContextTransaction inner) : IDbContextTransaction, IInfrastructure<System.Data.Common.DbTransaction>
    {
        public bool CommitRequested { get; private set; }

        public Guid TransactionId => inner.TransactionId;

        public bool SupportsSavepoints => inner.SupportsSavepoints;

        System.Data.Common.DbTransaction IInfrastructure<System.Data.Common.DbTransaction>.Instance => inner.GetDbTransaction();

        public void Commit()
        {
            CommitRequested = true;
            inner.Commit();
        }

        public Task CommitAsync(CancellationToken cancellationToken = default)
        {
            CommitRequested = true;
            return inner.CommitAsync(cancellationToken);
        }

        public void Rollback() => inner.Rollback();

        public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

        public void CreateSavepoint(string name) => inner.CreateSavepoint(name);

        public Task CreateSavepointAsync(string name, CancellationToken cancellationToken = default) => inner.CreateSavepointAsync(name, cancellationToken);

        public void RollbackToSavepoint(string name) => inner.RollbackToSavepoint(name);

        public Task RollbackToSavepointAsync(string name, CancellationToken cancellationToken = default) =>
            inner.RollbackToSavepointAsync(name, cancellationToken);

        public void ReleaseSavepoint(string name) => inner.ReleaseSavepoint(name);

        public Task ReleaseSavepointAsync(string name, CancellationToken cancellationToken = default) => inner.ReleaseSavepointAsync(name, cancellationToken);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>As the verified overload above, for work without a result: <paramref name="verifyCommitted"/> answers whether its commit happened.</summary>
    public static Task InTransactionAsync(this DbContext db, Func<IDbContextTransaction, CancellationToken, Task> work,
        Func<CancellationToken, Task<bool>> verifyCommitted, CancellationToken cancellationToken) =>
        db.InTransactionAsync<bool>(async (transaction, ct) =>
        {
            await work(transaction, ct);
            return true;
        }, async ct => await verifyCommitted(ct) ? Committed(true) : NotCommitted<bool>(), cancellationToken);

    /// <summary>The answer of a verification whose work did commit, with the result the call returns.</summary>
    public static ExecutionResult<T> Committed<T>(T result) => new(true, result);

    /// <summary>The answer of a verification whose work did not commit: it runs again.</summary>
    public static ExecutionResult<T> NotCommitted<T>() => new(false, default!);

    public static Task InTransactionAsync(this DbContext db, Func<IDbContextTransaction, CancellationToken, Task> work,
        CancellationToken cancellationToken) =>
        db.InTransactionAsync<bool>(async (transaction, ct) =>
        {
            await work(transaction, ct);
            return true;
        }, cancellationToken);
}
