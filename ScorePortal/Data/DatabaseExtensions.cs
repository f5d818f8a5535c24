using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ScorePortal.Operations;

namespace ScorePortal.Data;

public static class DatabaseExtensions
{
    public const string DefaultSqliteConnection = "Data Source=App_Data/scoreportal.db";

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.IsValid(), "Database:MaxRetryCount must be 0 to 20, Database:MaxRetryDelay more than 0 and at most a minute, " +
                                        "Database:SqliteBusyTimeout 0 to a minute, Database:StaleMigrationLockAfter a minute to a day, " +
                                        "Database:MigrationLockWait 0 to an hour.")
            .ValidateOnStart();
        var options = builder.Configuration.ReadWhileBuilding<DatabaseOptions>(DatabaseOptions.Section);
        var contentRoot = builder.Environment.ContentRootPath;

        // The connection string is read when the first context is made, so hosts that layer configuration
        // late (tests, the command line) are honoured. Contexts are pooled: building EF's per-context services for
        // every lookup cost more than the lookup's own query. A pooled context is reset when it goes back (change
        // tracker, its settings such as AutoDetectChangesEnabled, events, connection, transaction), and
        // ScorePortalDbContext holds no state of its own (field encryption reaches its key through a static holder).
        switch (options.Provider)
        {
            case DatabaseProvider.SqlServer:
                builder.Services.AddPooledDbContextFactory<SqlServerScorePortalDbContext>((sp, o) =>
                    o.UseSqlServer(ConnectionString(sp, options) ?? throw new InvalidOperationException(
                        $"Database:Provider is SqlServer but ConnectionStrings:{options.ConnectionStringName} is empty."),
                        sql =>
                        {
                            // A failover or a dropped connection is retried a few times (the budget in DatabaseOptions).
                            if (options.MaxRetryCount > 0) sql.EnableRetryOnFailure(options.MaxRetryCount, options.MaxRetryDelay, null);
                        }));
                builder.Services.AddSingleton<IDbContextFactory<ScorePortalDbContext>,
                    ForwardingDbContextFactory<SqlServerScorePortalDbContext>>();
                break;
            default:
                var sqliteSetup = new SqliteConnectionSetup(options.SqliteMemoryMapBytes, options.SqliteBusyTimeout);
                builder.Services.AddPooledDbContextFactory<SqliteScorePortalDbContext>((sp, o) =>
                    o.UseSqlite(ResolveSqlitePath(ConnectionString(sp, options) ?? DefaultSqliteConnection, contentRoot), sqlite =>
                        {
                            // Still locked after the busy timeout: retried as SQL Server's failover is.
                            if (options.MaxRetryCount > 0)
                                sqlite.ExecutionStrategy(d => new SqliteRetryingExecutionStrategy(d, options.MaxRetryCount, options.MaxRetryDelay));
                        })
                     .AddInterceptors(sqliteSetup)
                     .AddInterceptors(sp.GetServices<DatabaseFaultInjection>().Select(f => f.Interceptor)));
                builder.Services.AddSingleton<IDbContextFactory<ScorePortalDbContext>,
                    ForwardingDbContextFactory<SqliteScorePortalDbContext>>();
                break;
        }

        // EF's own Error log of a failed SaveChanges or query repeats, stack trace and all, a failure that reaches the caller
        // anyway, which logs it (a bug with its trace; a full or read-only disk by its cause, issue #26: no trace on a
        // command's console). Kept at Debug for whoever needs it.
        builder.Services.ConfigureDbContext<SqliteScorePortalDbContext>(QuietRepeatedFailures);
        builder.Services.ConfigureDbContext<SqlServerScorePortalDbContext>(QuietRepeatedFailures);

        // Identity and request-scoped code take the base type; it comes from the same pool and goes back to it when
        // the scope ends.
        builder.Services.AddScoped<ScorePortalDbContext>(sp =>
            sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext());
        return builder;
    }

    private static void QuietRepeatedFailures(DbContextOptionsBuilder o) => o.ConfigureWarnings(w => w.Log(
        (CoreEventId.SaveChangesFailed, LogLevel.Debug), (CoreEventId.QueryIterationFailed, LogLevel.Debug),
        (RelationalEventId.CommandError, LogLevel.Debug), (RelationalEventId.TransactionError, LogLevel.Debug)));

    private static string? ConnectionString(IServiceProvider sp, DatabaseOptions options) =>
        sp.GetRequiredService<IConfiguration>().GetConnectionString(options.ConnectionStringName) is { Length: > 0 } cs ? cs : null;

    /// <summary>
    /// A relative SQLite path is taken relative to the content root, and its folder is created,
    /// so that the portal runs from a fresh clone without preparation.
    /// </summary>
    public static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DataSource is { Length: > 0 } source && source != ":memory:" && !Path.IsPathRooted(source))
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, source));
        if (Path.GetDirectoryName(csb.DataSource) is { Length: > 0 } dir)
            Directory.CreateDirectory(dir);
        csb.Pooling = true;
        return csb.ToString();
    }

    /// <summary>
    /// Migrates SQLite at start and turns on WAL; SQL Server is migrated by script or bundle. A migration lock left by a
    /// process killed while migrating is removed first; one held by a live process is waited for, up to a bound
    /// (<see cref="SqliteMigrationLock"/>).
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new();
        if (options.Provider != DatabaseProvider.Sqlite || !options.MigrateOnStart) return;
        var factory = app.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        // EF stamps its lock with the system clock, so it is aged by the system clock (not a test's or a demo's).
        await SqliteMigrationLock.ClearStaleOrWaitAsync(db, options, TimeProvider.System,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteMigrationLock).FullName!), CancellationToken.None);
        await FoldedMigrations.RewriteSqliteHistoryAsync(db);
        await db.Database.MigrateAsync();
        // WAL is a property of the file, so setting it once here holds for every later connection.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    /// <summary>
    /// An interceptor a test registers (<c>services.AddSingleton(new DatabaseFaultInjection(interceptor))</c>) to inject a
    /// fault into the portal's own commands: a transient error once, a command that stalls until cancelled. Nothing
    /// registers one outside tests.
    /// </summary>
    public sealed record DatabaseFaultInjection(Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor Interceptor);

    private sealed class ForwardingDbContextFactory<TContext>(IDbContextFactory<TContext> inner)
        : IDbContextFactory<ScorePortalDbContext> where TContext : ScorePortalDbContext
    {
        public ScorePortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<ScorePortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
