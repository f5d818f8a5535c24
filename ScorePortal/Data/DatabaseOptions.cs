namespace ScorePortal.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Name of the entry under ConnectionStrings.</summary>
    public string ConnectionStringName { get; set; } = "ScorePortal";

    /// <summary>Apply pending migrations at start (SQLite only; SQL Server is migrated by script or bundle).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>SQLite only: bytes of the database file read through a memory map (0 turns it off). 1 GiB by default.</summary>
    public long SqliteMemoryMapBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Retries of an operation that met a transient fault (SQL Server: a failover, a dropped connection, a deadlock;
    /// SQLite: the database still locked after <see cref="SqliteBusyTimeout"/>), each after a growing, jittered wait of
    /// at most <see cref="MaxRetryDelay"/>; then the error reaches the caller (a visitor gets the busy page). 0 turns
    /// retries off. Explicit transactions run through <see cref="DatabaseTransactions"/> so that they can be retried.
    /// </summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>The longest wait between two retries; with the default 3 retries the budget is a few seconds.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>SQLite only: how long SQLite itself waits for another connection's lock before it reports "busy".</summary>
    public TimeSpan SqliteBusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// SQLite only: EF's migration lock (the row in <c>__EFMigrationsLock</c>) found at start and older than this was left
    /// by a process stopped while it migrated: it is removed with a warning (event 2606) and the start migrates. Keep it
    /// above the longest migration a live process may run. 10 minutes by default.
    /// </summary>
    public TimeSpan StaleMigrationLockAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// SQLite only: how long a start waits for a younger migration lock (another process migrating) to go; then it stops
    /// with one line and exit code 1 (event 2607) instead of waiting for ever. 1 minute by default.
    /// </summary>
    public TimeSpan MigrationLockWait { get; set; } = TimeSpan.FromMinutes(1);

    internal bool IsValid() => MaxRetryCount is >= 0 and <= 20 && MaxRetryDelay > TimeSpan.Zero && MaxRetryDelay <= TimeSpan.FromMinutes(1)
                               && SqliteBusyTimeout >= TimeSpan.Zero && SqliteBusyTimeout <= TimeSpan.FromMinutes(1)
                               && StaleMigrationLockAfter >= TimeSpan.FromMinutes(1) && StaleMigrationLockAfter <= TimeSpan.FromDays(1)
                               && MigrationLockWait >= TimeSpan.Zero && MigrationLockWait <= TimeSpan.FromHours(1);
}
