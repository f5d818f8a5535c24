using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScorePortal.Data;

/// <summary>
/// Per-connection SQLite settings, applied once to each native connection the pool opens (a pooled connection keeps
/// them): reads through a memory map instead of one read() call per page, which is most of a lookup's cost in a
/// database larger than SQLite's small page cache.
/// </summary>
internal sealed class SqliteConnectionSetup(long memoryMapBytes) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Configure(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Configure(connection);
        return Task.CompletedTask;
    }

    private void Configure(DbConnection connection)
    {
        if (memoryMapBytes <= 0 || connection is not SqliteConnection { Handle: { } handle } sqlite) return;
        if (_configured.TryGetValue(handle, out _)) return;
        Apply(sqlite, memoryMapBytes);
        _configured.AddOrUpdate(handle, handle);
    }

    /// <summary>Applies the settings to an open connection (also used by connections opened outside EF).</summary>
    public static void Apply(SqliteConnection connection, long memoryMapBytes)
    {
        if (memoryMapBytes <= 0) return;
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA mmap_size={memoryMapBytes};";
        command.ExecuteNonQuery();
    }
}
