using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;

namespace ScorePortal.Tests.Infrastructure;

public sealed class PortalFactoryTests
{
    [Fact]
    public async Task Portal_runs_on_its_own_sqlite_file_and_removes_it_when_disposed()
    {
        string path;
        await using (var portal = new PortalFactory())
        {
            path = portal.DatabasePath;
            await using var db = await portal.Services
                .GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

            Assert.Contains(portal.DatabasePath, db.Database.GetConnectionString());
            Assert.True(await db.Database.CanConnectAsync());
            Assert.True(File.Exists(path), "the app did not create the test database");
        }

        Assert.False(File.Exists(path), "the test database outlived its factory");
        Assert.False(File.Exists(path + "-wal"));
        Assert.False(File.Exists(path + "-shm"));
    }

    [Fact]
    public async Task Portal_reads_development_settings_with_test_overrides_on_top()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { ["Demo:Candidates"] = "7" });

        var config = portal.Services.GetRequiredService<IConfiguration>();

        Assert.Equal("Demo#2026pass", config["Demo:Password"]); // only in appsettings.Development.json
        Assert.Equal("false", config[PortalFactory.DemoSeed]);
        Assert.Equal("7", config[PortalFactory.DemoCandidates]);
        Assert.Equal(portal.ConnectionString, config.GetConnectionString("ScorePortal"));
    }

    [Fact]
    public async Task A_derived_factory_changes_settings_for_its_test_class()
    {
        await using var portal = new SeededPortal();

        var config = portal.Services.GetRequiredService<IConfiguration>();

        Assert.Equal("true", config[PortalFactory.DemoSeed]);
    }

    private sealed class SeededPortal : PortalFactory
    {
        protected override void ConfigureSettings(IDictionary<string, string?> settings) => settings[DemoSeed] = "true";
    }
}
