using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// Every SQLite connection the portal opens waits for another writer's lock inside SQLite (busy_timeout) rather than
/// failing fast into Microsoft.Data.Sqlite's 150 ms retry sleep, and reads through the memory map when it is set.
/// </summary>
public sealed class SqliteConnectionSetupTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sp-setup-{Guid.NewGuid():N}.db");

    private ServiceProvider Services(long memoryMap)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration["Database:Provider"] = "Sqlite";
        builder.Configuration["ConnectionStrings:ScorePortal"] = $"Data Source={_file};Pooling=False";
        builder.Configuration["Database:SqliteMemoryMapBytes"] = memoryMap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddDatabase();
        return builder.Services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L << 20)]
    public async Task A_connection_opened_by_EF_waits_for_a_lock_inside_SQLite_and_maps_what_it_is_told(long memoryMap)
    {
        await using var services = Services(memoryMap);
        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        Assert.Equal(SqliteConnectionSetup.BusyTimeoutMilliseconds, await PragmaAsync(db, "busy_timeout"));
        Assert.Equal(memoryMap, await PragmaAsync(db, "mmap_size"));
    }

    private static async Task<long> PragmaAsync(ScorePortalDbContext db, string pragma)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA " + pragma + ";";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
