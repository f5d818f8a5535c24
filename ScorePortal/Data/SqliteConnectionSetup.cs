using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScorePortal.Data;

/// <summary>
/// Per-connection SQLite settings, applied once to each native connection the pool opens (a pooled connection keeps
/// them):
/// <list type="bullet">
/// <item>reads through a memory map instead of one read() call per page, which is most of a lookup's cost in a database
/// larger than SQLite's small page cache;</item>
/// <item>a busy timeout, so a writer that meets another writer's lock (the audit writer and the API's access log commit
/// side by side) is retried by SQLite within a millisecond or two. Without it Microsoft.Data.Sqlite sees SQLITE_BUSY
/// and sleeps 150 ms before its next try: under the API benchmark that alone made the p95 of a call 140 ms instead
/// of 10 (bench/RESULTS.md, "Enterprise API").</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSetup(long memoryMapBytes, TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    /// <summary>How long SQLite itself retries a locked database before it reports SQLITE_BUSY, unless configured (Database:SqliteBusyTimeout).</summary>
    public const int BusyTimeoutMilliseconds = 5_000;

    private void Configure(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite) return;
        if (_configured.TryGetValue(handle, out _)) return;
        Apply(sqlite, memoryMapBytes, (int)busyTimeout.TotalMilliseconds);
        _configured.AddOrUpdate(handle, handle);
    }

    /// <summary>Applies the settings to an open connection (also used by connections opened outside EF).</summary>
    public static void Apply(SqliteConnection connection, long memoryMapBytes, int busyTimeoutMilliseconds = BusyTimeoutMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = memoryMapBytes > 0
            ? $"PRAGMA busy_timeout={busyTimeoutMilliseconds}; PRAGMA mmap_size={memoryMapBytes};"
            : $"PRAGMA busy_timeout={busyTimeoutMilliseconds};";
        command.ExecuteNonQuery();
    }
}
