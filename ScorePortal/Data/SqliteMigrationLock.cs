using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Operations;

namespace ScorePortal.Data;

/// <summary>
/// EF Core's migration lock on SQLite, and what a start does about one left behind (issue #26). Before it migrates, EF
/// (10, <c>SqliteHistoryRepository.AcquireDatabaseLockAsync</c>) creates <c>"__EFMigrationsLock"</c>
/// (<c>"Id" INTEGER PRIMARY KEY, "Timestamp" TEXT NOT NULL</c>) and runs <c>INSERT OR IGNORE … VALUES(1, &lt;UTC now&gt;)</c>;
/// while that inserts nothing (another process holds the lock) it waits a second and tries again, for ever. The row is
/// deleted when the migration ends, so a process killed while it migrates leaves it behind, and every later start
/// would wait for it. It is written once, when the lock is taken: its age is how long the lock has been held.
/// <para>
/// Before migrating, a start reads the row: none, it migrates; older than
/// <see cref="DatabaseOptions.StaleMigrationLockAfter"/> (or not a time EF writes), it was left by a killed process —
/// removed with a warning (<see cref="StorageFaults.StaleMigrationLockRemoved"/>); younger, another process is
/// taken to be migrating — the start waits up to <see cref="DatabaseOptions.MigrationLockWait"/> for it to go (or to
/// turn stale), then stops with <see cref="MigrationLockHeldException"/>: one line, exit 1, never a wait without end.
/// </para>
/// </summary>
public static class SqliteMigrationLock
{
    /// <summary>EF Core's lock table on SQLite (<c>SqliteHistoryRepository.LockTableName</c>).</summary>
    public const string Table = "__EFMigrationsLock";

    /// <summary>How EF writes the time: its SQLite literal of a <see cref="DateTimeOffset"/> (<c>SqliteDateTimeOffsetTypeMapping</c>).</summary>
    public const string TimestampFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    private const string Select = "SELECT \"Timestamp\" FROM \"" + Table + "\" WHERE \"Id\" = 1;";

    private const string DeleteIfSame = "DELETE FROM \"" + Table + "\" WHERE \"Id\" = 1 AND \"Timestamp\" = {0};";

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Removes a stale lock, waits for a fresh one; returns when no lock is held. The lock's time is EF's (the system
    /// clock's UTC now when it was taken), so it is compared with <paramref name="time"/>'s, the system's in production.
    /// </summary>
    /// <exception cref="MigrationLockHeldException">A fresh lock was still held after <see cref="DatabaseOptions.MigrationLockWait"/>.</exception>
    public static async Task ClearStaleOrWaitAsync(DbContext db, DatabaseOptions options, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var started = time.GetTimestamp();
        while (await ReadAsync(db, ct) is { } stored)
        {
            var raw = Convert.ToString(stored, CultureInfo.InvariantCulture) ?? "";
            DateTimeOffset? since = DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;
            var age = since is { } at ? time.GetUtcNow() - at : (TimeSpan?)null;
            if (age is null || age >= options.StaleMigrationLockAfter)
            {
                // Conditional on the row read: of two starts removing it at once one does, and a lock taken meanwhile stays.
                if (await db.Database.ExecuteSqlRawAsync(DeleteIfSame, [stored], ct) > 0)
                    logger.LogWarning(StorageFaults.StaleMigrationLockRemoved,
                        "Removed the database's migration lock taken at {LockedAt} ({Age} ago; Database:StaleMigrationLockAfter is {StaleAfter}): " +
                        "a process was stopped while it migrated the database and left it behind. Migrating now",
                        raw, age?.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) ?? "unknown", options.StaleMigrationLockAfter);
                continue;
            }
            var waited = time.GetElapsedTime(started);
            if (waited >= options.MigrationLockWait)
            {
                logger.LogCritical(StorageFaults.MigrationLockHeld,
                    "The database's migration lock is held since {LockedAt}, by another process migrating or by one stopped less than " +
                    "Database:StaleMigrationLockAfter ({StaleAfter}) ago; waited {Waited}; stopped without migrating",
                    raw, options.StaleMigrationLockAfter, waited);
                throw new MigrationLockHeldException(since!.Value, options.StaleMigrationLockAfter, waited);
            }
            await Task.Delay(Poll, time, ct);
        }
    }

    /// <summary>The lock row's timestamp as stored (EF writes text), or null: no lock table (never migrated) or no row (not held).</summary>
    private static async Task<object?> ReadAsync(DbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = Select;
            return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? value : null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// A start found the database's migration lock held by another process for longer than it waits: nothing was migrated
/// or served. The command line says so in one line (<see cref="PortalCommands.MigrationLockHeld"/>) and exits 1.
/// </summary>
public sealed class MigrationLockHeldException : Exception
{
    public MigrationLockHeldException()
    {
    }

    public MigrationLockHeldException(string message) : base(message)
    {
    }

    public MigrationLockHeldException(string message, Exception inner) : base(message, inner)
    {
    }

    public MigrationLockHeldException(DateTimeOffset lockedAt, TimeSpan staleAfter, TimeSpan waited)
        : base($"The database's migration lock is held since {lockedAt:u}; waited {waited}.")
    {
        LockedAt = lockedAt;
        StaleAfter = staleAfter;
        Waited = waited;
    }

    /// <summary>When the holder took the lock (UTC).</summary>
    public DateTimeOffset LockedAt { get; }

    /// <summary>From when on the lock is taken as left behind (<see cref="DatabaseOptions.StaleMigrationLockAfter"/>).</summary>
    public TimeSpan StaleAfter { get; }

    /// <summary>How long this start waited.</summary>
    public TimeSpan Waited { get; }
}
