using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// Fault: EF's migration lock left in an SQLite database (the row in <c>__EFMigrationsLock</c>) — by a process killed
/// while it migrated, or held by another process migrating right now. Injected: the test takes the lock through EF's
/// own history repository (the row exactly as EF writes it) and never releases it, as a killed process does; for a
/// lock left long ago its time is moved back. What must hold: a stale lock is removed at start with the warning event
/// and the start migrates and runs; a fresh one is waited for up to <c>Database:MigrationLockWait</c>, then the start
/// stops with one localized line and exit 1 — no wait without end, no stack trace — and leaves the lock alone.
/// </summary>
public sealed class MigrationLockTests
{
    [Fact]
    public async Task A_migration_lock_left_by_a_process_killed_while_migrating_is_removed_at_start_and_the_command_runs()
    {
        await using var portal = new PortalFactory();
        var path = Path.Combine(portal.Directory, "killed-while-migrating.db");
        await LeaveLockAsync(path, age: TimeSpan.FromMinutes(25));

        var run = await PortalProcess.RunAsync("Testing", portal, ["verify-audit", "--lang", "en-US"],
            new Dictionary<string, string?> { ["ConnectionStrings:ScorePortal"] = $"Data Source={path}" });

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");
        NoStackTrace(run);
        Assert.Contains("Removed the database's migration lock taken at", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Null(await LockAsync(path));
        Assert.True(await AppliedMigrationsAsync(path) > 0);
    }

    [Fact]
    public async Task A_migration_lock_held_by_another_process_stops_serving_and_a_command_after_the_wait_with_one_line()
    {
        await using var portal = new PortalFactory();
        var path = Path.Combine(portal.Directory, "held.db");
        await LeaveLockAsync(path, age: TimeSpan.Zero);
        var taken = await LockAsync(path);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ScorePortal"] = $"Data Source={path}",
            ["Database:MigrationLockWait"] = "00:00:02",
        };

        var serve = await PortalProcess.RunAsync("Testing", portal, ["--lang", "en-US"], settings);
        var command = await PortalProcess.RunAsync("Testing", portal, ["verify-audit"], settings);

        Assert.True(serve.ExitCode == 1, $"exit {serve.ExitCode}\n{serve.Output}\n{serve.Error}");
        Assert.Equal(1, Occurrences(serve.Error, "serve: The database's migration lock has been held by another process since "));
        Assert.Contains("remove it now: sqlite3 <database file> 'DELETE FROM \"__EFMigrationsLock\";'", serve.Error, StringComparison.Ordinal);
        NoStackTrace(serve);
        Assert.True(command.ExitCode == 1, $"exit {command.ExitCode}\n{command.Output}\n{command.Error}");
        Assert.Equal(1, Occurrences(command.Error, "verify-audit: 数据库的迁移锁自 "));
        NoStackTrace(command);
        // Not theirs to take: the holder may still be migrating.
        Assert.Equal(taken, await LockAsync(path));
        Assert.Equal(0, await AppliedMigrationsAsync(path));
    }

    [Fact]
    public async Task A_stale_lock_threshold_below_a_minute_is_refused_before_anything_touches_the_database()
    {
        await using var portal = new PortalFactory();
        var path = Path.Combine(portal.Directory, "never-touched.db");

        var run = await PortalProcess.RunAsync("Testing", portal, ["--lang", "en-US"], new Dictionary<string, string?>
        {
            ["ConnectionStrings:ScorePortal"] = $"Data Source={path}",
            ["Database:StaleMigrationLockAfter"] = "00:00:10",
        });

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");
        Assert.Contains("Database:StaleMigrationLockAfter a minute to a day", run.Error, StringComparison.Ordinal);
        NoStackTrace(run);
        Assert.False(File.Exists(path));
    }

    private static SqliteScorePortalDbContext Context(string path) =>
        new(new DbContextOptionsBuilder<SqliteScorePortalDbContext>().UseSqlite($"Data Source={path}").Options);

    /// <summary>Takes EF's migration lock as a migrating process does and never gives it back, as a killed one does.</summary>
    private static async Task LeaveLockAsync(string path, TimeSpan age)
    {
        await using (var db = Context(path))
        {
            await db.Database.OpenConnectionAsync();
            // Not disposed: disposing the lock is what deletes the row.
            _ = await db.GetService<IHistoryRepository>().AcquireDatabaseLockAsync();
            await db.Database.CloseConnectionAsync();
        }
        if (age == TimeSpan.Zero) return;
        var taken = DateTimeOffset.Parse((await LockAsync(path))!, CultureInfo.InvariantCulture);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE \"__EFMigrationsLock\" SET \"Timestamp\" = $at WHERE \"Id\" = 1";
        command.Parameters.AddWithValue("$at", (taken - age).ToString(SqliteMigrationLock.TimestampFormat, CultureInfo.InvariantCulture));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<string?> LockAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Timestamp\" FROM \"__EFMigrationsLock\" WHERE \"Id\" = 1";
        return await command.ExecuteScalarAsync() as string;
    }

    private static async Task<long> AppliedMigrationsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = '__EFMigrationsHistory'";
        if ((long)(await command.ExecuteScalarAsync())! == 0) return 0;
        command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static void NoStackTrace(PortalProcess.Run run)
    {
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Error, StringComparison.Ordinal);
    }
}
