using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// A storage fault a page-level test switches on after its setup (issue #26 item 1): the database's disk full (a real
/// tmpfs, or SQLite's page limit where none can be mounted: <see cref="FullDisk"/>) or the database read-only (SQLite's
/// <c>query_only</c> on every connection the portal opens: SQLITE_READONLY at the same call sites, as a read-only file
/// or mount answers). The test names the case; <see cref="MessageKey"/> and the texts say what the visitor must read.
/// </summary>
public sealed class DatabaseFault : IDisposable
{
    public const string DiskFullTmpfs = "disk-full-tmpfs";
    public const string DiskFullInjected = "disk-full-injected";
    public const string ReadOnly = "read-only";

    private readonly FullDisk? _disk;
    private readonly ReadOnlySwitch? _readOnly;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "fault-" + Guid.NewGuid().ToString("N"));

    private DatabaseFault(string name)
    {
        Name = name;
        if (name == ReadOnly)
        {
            _readOnly = new ReadOnlySwitch();
            Directory.CreateDirectory(_folder);
        }
        else _disk = FullDisk.Create(8, name == DiskFullTmpfs ? DiskFaultKind.Tmpfs : DiskFaultKind.Injected);
    }

    public static TheoryData<string> All => [DiskFullTmpfs, DiskFullInjected, ReadOnly];

    public static DatabaseFault Create(string name) => new(name);

    public string Name { get; }

    /// <summary>What was injected, for failure messages.</summary>
    public string How => _disk?.How ?? "SQLite query_only on every connection (SQLITE_READONLY)";

    public string MessageKey => _disk is null ? "Faults.Storage.ReadOnly" : "Faults.Storage.DiskFull";

    /// <summary>The localized message's beginning in zh-CN (the default) and en-US.</summary>
    public (string Zh, string En) Message => _disk is null
        ? ("数据库为只读：本次操作已停止", "The database is read-only: the operation was stopped")
        : ("数据库所在磁盘已满：本次操作已停止", "The database's disk is full: the operation was stopped");

    /// <summary>A demo portal on this fault's database, the injection registered (nothing happens until <see cref="Start"/>).</summary>
    public DemoPortal Portal() => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:ScorePortal"] = _disk?.DatabaseConnectionString()
                                            ?? new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "scoreportal.db") }.ToString(),
    }, services: services =>
    {
        _disk?.AddTo(services);
        if (_readOnly is not null) services.AddSingleton(new ScorePortal.Data.DatabaseExtensions.DatabaseFaultInjection(_readOnly));
    });

    /// <summary>Fills the disk (the write-ahead log emptied first, so it cannot absorb the next write) or turns the database read-only.</summary>
    public void Start()
    {
        if (_readOnly is not null)
        {
            _readOnly.On = true;
            return;
        }
        using (var connection = new SqliteConnection(_disk!.DatabaseConnectionString()))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        _disk.Fill();
    }

    /// <summary>Space back, or the database writable again.</summary>
    public void End()
    {
        if (_readOnly is not null) _readOnly.On = false;
        else _disk!.Free();
    }

    public void Dispose()
    {
        _disk?.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Sets <c>PRAGMA query_only</c> on every connection the portal opens: while on, every write is SQLITE_READONLY.</summary>
    private sealed class ReadOnlySwitch : DbConnectionInterceptor
    {
        private volatile bool _on;

        public bool On
        {
            get => _on;
            set => _on = value;
        }

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = On ? "PRAGMA query_only = 1;" : "PRAGMA query_only = 0;";
            command.ExecuteNonQuery();
        }
    }
}
