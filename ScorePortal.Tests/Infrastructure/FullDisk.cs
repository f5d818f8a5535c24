using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScorePortal.Data;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>How a disk-fault test makes the database's disk small.</summary>
public enum DiskFaultKind
{
    /// <summary>A real tmpfs of a few MB (<see cref="SmallDisk"/>), where the test can mount one (root, CI).</summary>
    Tmpfs,

    /// <summary>
    /// The same fault injected at the same call sites: SQLite's own page limit (<c>PRAGMA max_page_count</c>) on every
    /// connection the portal opens, so SQLite itself answers SQLITE_FULL (13, "database or disk is full") where the
    /// database would grow past the disk, inside the same transactions, raw audit inserts included; and once the disk is
    /// filled, every write command of the portal's contexts fails with the same error before it runs, as a full disk
    /// refuses even a write that fits in the database's pages (the write-ahead log cannot grow).
    /// </summary>
    Injected,
}

/// <summary>
/// The database's disk of a few MB for a disk-full test (issue #26 item 5): a real tmpfs when asked for and mountable,
/// otherwise <see cref="DiskFaultKind.Injected"/> — never a skipped test. <see cref="Fill"/> and <see cref="Free"/> take
/// and give back what is left of it; a portal on it registers <see cref="AddTo"/>, a child process gets
/// <see cref="ProcessSettings"/>.
/// </summary>
public sealed class FullDisk : IDisposable
{
    private const string FillerTable = "__test_disk_filler";
    private readonly SmallDisk? _tmpfs;
    private readonly string? _folder;
    private readonly SqlitePageLimit? _limit;
    private readonly FullDiskWrites? _writes;
    private readonly long _capacityPages;

    private FullDisk(SmallDisk tmpfs, string why)
    {
        _tmpfs = tmpfs;
        Kind = DiskFaultKind.Tmpfs;
        How = why;
    }

    private FullDisk(int megabytes, string why)
    {
        _folder = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "injected-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _capacityPages = megabytes * 1024L * 1024L / PageSize;
        _limit = new SqlitePageLimit(_capacityPages);
        _writes = new FullDiskWrites();
        Kind = DiskFaultKind.Injected;
        How = why;
    }

    /// <summary>SQLite's default page size, which the portal keeps.</summary>
    private const int PageSize = 4096;

    public DiskFaultKind Kind { get; }

    /// <summary>What was injected, for the test's failure messages.</summary>
    public string How { get; }

    /// <summary>
    /// A disk of <paramref name="megabytes"/> MB: a tmpfs when <paramref name="wanted"/> is <see cref="DiskFaultKind.Tmpfs"/>
    /// and the mount works, else the injected page limit.
    /// </summary>
    public static FullDisk Create(int megabytes, DiskFaultKind wanted)
    {
        if (wanted == DiskFaultKind.Injected) return new FullDisk(megabytes, $"SQLite's page limit at {megabytes} MB (injected)");
        try
        {
            return new FullDisk(SmallDisk.Mount(megabytes), $"a real {megabytes} MB tmpfs");
        }
        catch (InvalidOperationException e)
        {
            return new FullDisk(megabytes, $"SQLite's page limit at {megabytes} MB (injected: no tmpfs could be mounted: {e.Message})");
        }
    }

    public string DatabaseConnectionString(string name = "scoreportal.db") =>
        _tmpfs?.DatabaseConnectionString(name) ?? new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder!, name) }.ToString();

    /// <summary>Registers the page limit in a portal's services (nothing for a tmpfs: the file system is the limit).</summary>
    public void AddTo(IServiceCollection services)
    {
        if (_limit is null) return;
        services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(_limit));
        services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(_writes!));
    }

    /// <summary>
    /// Settings for a portal run as a child process (<see cref="PortalProcess"/>): with the injected kind, the test assembly
    /// as the child's startup hook, which registers the same page limit in the child's host.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ProcessSettings => _limit is null
        ? new Dictionary<string, string?>()
        : new Dictionary<string, string?>
        {
            ["DOTNET_STARTUP_HOOKS"] = typeof(FullDisk).Assembly.Location,
            [ChildPageLimit.Variable] = _limit.Pages.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Takes what is left of the disk, until it says it is full.</summary>
    public void Fill()
    {
        if (_tmpfs is not null)
        {
            _tmpfs.Fill();
            return;
        }
        using var connection = Open();
        Execute(connection, $"CREATE TABLE IF NOT EXISTS \"{FillerTable}\" (b BLOB);");
        // Nothing may grow any more; the pages the database has free are taken by the filler, as a file fills a disk.
        _limit!.Pages = (long)Scalar(connection, "PRAGMA page_count;")!;
        Execute(connection, $"PRAGMA max_page_count = {_limit.Pages};");
        try
        {
            while (true) Execute(connection, $"INSERT INTO \"{FillerTable}\" (b) VALUES (zeroblob({PageSize / 2}));");
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 13)
        {
            // Full: exactly what was wanted.
        }
        _writes!.Full = true;
    }

    /// <summary>Gives back what <see cref="Fill"/> took.</summary>
    public void Free()
    {
        if (_tmpfs is not null)
        {
            _tmpfs.Free();
            return;
        }
        _writes!.Full = false;
        _limit!.Pages = _capacityPages;
        using var connection = Open();
        Execute(connection, $"PRAGMA max_page_count = {SqlitePageLimit.Unlimited};");
        Execute(connection, $"DROP TABLE IF EXISTS \"{FillerTable}\";");
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(DatabaseConnectionString()) { Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        if (_tmpfs is not null)
        {
            _tmpfs.Dispose();
            return;
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder!, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// Sets SQLite's page limit on every connection the portal opens (EF opens one per operation, so a new limit holds from
/// the next operation on): a transaction that needs a page beyond it fails with SQLITE_FULL and is rolled back by SQLite.
/// </summary>
public sealed class SqlitePageLimit(long pages) : DbConnectionInterceptor
{
    /// <summary>Far beyond any test database.</summary>
    public const long Unlimited = 2_147_483_646;

    private long _pages = pages;

    public long Pages
    {
        get => Interlocked.Read(ref _pages);
        set => Interlocked.Exchange(ref _pages, value);
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
        // SQLite never sets it below the database's current size: "full" is then "cannot grow".
        command.CommandText = $"PRAGMA max_page_count = {Pages};";
        command.ExecuteScalar();
    }
}

/// <summary>
/// While <see cref="Full"/>, a write command of the portal's contexts fails before it runs with SQLite's own "database or
/// disk is full" (13), as SQLite answers when the write-ahead log cannot grow; reads go on.
/// </summary>
public sealed class FullDiskWrites : DbCommandInterceptor
{
    private static readonly string[] Writes = ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"];
    private volatile bool _full;

    public bool Full
    {
        get => _full;
        set => _full = value;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Refuse(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Refuse(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Refuse(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Refuse(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Refuse(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Refuse(command);
        return ValueTask.FromResult(result);
    }

    private void Refuse(DbCommand command)
    {
        if (!Full) return;
        var text = command.CommandText.TrimStart();
        if (Writes.Any(w => text.StartsWith(w, StringComparison.OrdinalIgnoreCase)))
            throw new SqliteException("SQLite Error 13: 'database or disk is full' (injected: the test filled the disk).", 13);
    }
}

/// <summary>
/// The child process's side of <see cref="FullDisk.ProcessSettings"/>: the runtime loads the test assembly as a startup
/// hook (<see cref="StartupHook"/>), which registers the page limit in the portal's host as the test host's
/// <c>ConfigureTestServices</c> would, through the host's "HostBuilding" diagnostic event (as WebApplicationFactory does).
/// </summary>
internal static class ChildPageLimit
{
    public const string Variable = "SCOREPORTAL_TESTS_SQLITE_PAGE_LIMIT";

    public static void Install()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var pages)) return;
        DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name != "Microsoft.Extensions.Hosting") return;
            listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
            {
                if (e.Key == "HostBuilding" && e.Value is IHostBuilder host)
                    host.ConfigureServices(services => services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(new SqlitePageLimit(pages))));
            }));
        }));
    }

    private sealed class Observer<T>(Action<T> next) : IObserver<T>
    {
        public void OnNext(T value) => next(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
