using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace ScorePortal.Data;

/// <summary>
/// SQLite's counterpart of SQL Server's <c>EnableRetryOnFailure</c>: an operation that still finds the database locked
/// after the busy timeout (<see cref="DatabaseOptions.SqliteBusyTimeout"/>: a backup or a long writer holding the lock)
/// is tried again a few times with growing, jittered waits (EF's own backoff) before the error reaches the caller. It
/// also makes EF refuse a transaction started outside <see cref="DatabaseTransactions"/> in
/// development and tests, as SQL Server's strategy does in production.
/// </summary>
public sealed class SqliteRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies, int maxRetryCount, TimeSpan maxRetryDelay)
    : ExecutionStrategy(dependencies, maxRetryCount, maxRetryDelay)
{
    /// <summary>SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection holds the lock; anything else is not transient.</summary>
    public static bool IsTransient(Exception? exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => true,
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    protected override bool ShouldRetryOn(Exception exception) => IsTransient(exception);
}
