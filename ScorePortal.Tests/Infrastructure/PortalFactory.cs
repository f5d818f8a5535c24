using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// The portal in process, on its own SQLite file, in environment "Testing".
/// Use it as an <c>IClassFixture&lt;PortalFactory&gt;</c>; when a test class needs other settings, build one with
/// <see cref="With"/>, or derive from it (xunit needs a single public constructor on a fixture) and override
/// <see cref="ConfigureSettings"/>, e.g.
/// <code>
/// public sealed class SeededPortal : PortalFactory
/// {
///     protected override void ConfigureSettings(IDictionary&lt;string, string?&gt; settings) => settings[DemoSeed] = "true";
/// }
/// </code>
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string DemoSeed = "Demo:Seed";
    public const string DemoCandidates = "Demo:Candidates";

    /// <summary>
    /// Demo data stays off unless a test asks for it: most tests build exactly the rows they assert on,
    /// and a seeded database of thousands of candidates would make every factory start slow.
    /// A test that switches seeding on still gets a small population.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> TestDefaults = new Dictionary<string, string?>
    {
        [DemoSeed] = "false",
        [DemoCandidates] = "200",
        ["Database:Provider"] = "Sqlite",
        ["Database:MigrateOnStart"] = "true",
    };

    private readonly IReadOnlyDictionary<string, string?> _extraSettings;
    private Dictionary<string, string?>? _settings;

    public PortalFactory() : this(null)
    {
    }

    /// <param name="settings">Configuration entries that win over every settings file, e.g. <c>["Demo:Seed"] = "true"</c>.</param>
    protected PortalFactory(IReadOnlyDictionary<string, string?>? settings)
    {
        _extraSettings = settings ?? new Dictionary<string, string?>();
        Directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "scoreportal.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();
    }

    /// <summary>A portal with extra settings, for a test that starts its own (not a class fixture).</summary>
    public static PortalFactory With(IReadOnlyDictionary<string, string?> settings) => new(settings);

    /// <summary>A private temporary folder of this factory; deleted on dispose.</summary>
    public string Directory { get; }

    /// <summary>Absolute path, so the app's "relative to content root" rule never moves it into the source tree.</summary>
    public string DatabasePath { get; }

    public string ConnectionString { get; }

    /// <summary>The configuration the app was started with, after defaults, constructor settings and overrides.</summary>
    public IReadOnlyDictionary<string, string?> Settings => _settings ??= BuildSettings();

    /// <summary>Per-class settings hook; runs once, before the host is built.</summary>
    protected virtual void ConfigureSettings(IDictionary<string, string?> settings)
    {
    }

    private Dictionary<string, string?> BuildSettings()
    {
        var settings = new Dictionary<string, string?>(TestDefaults, StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:ScorePortal"] = ConnectionString,
        };
        foreach (var (key, value) in _extraSettings) settings[key] = value;
        ConfigureSettings(settings);
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // WebApplication.CreateBuilder serves static web assets from the build output (blazor.web.js, MudBlazor's
        // _content/ files) only in Development; without this every page in "Testing" loads unstyled and never
        // becomes interactive. A no-op where the manifest is absent (published output).
        builder.UseStaticWebAssets();

        // UseSetting lands in the configuration that Program.cs sees while it still builds the host
        // (AddDatabase reads the connection string before Build), so the test database is used from the first line.
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);

        builder.ConfigureAppConfiguration((_, config) =>
        {
            // The host only loads appsettings.{Environment}.json, and the environment here is "Testing";
            // the repository's development settings are the baseline the tests share with a developer's run.
            var development = FindDevelopmentSettings();
            if (development is not null) config.AddJsonFile(development, optional: false, reloadOnChange: false);

            // Added last, so neither appsettings file can point the app back at App_Data/.
            config.AddInMemoryCollection(Settings);
        });
    }

    private static string? FindDevelopmentSettings()
    {
        // The app project links the root file into its output, and that output is copied next to the tests.
        var besideTests = Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json");
        if (File.Exists(besideTests)) return besideTests;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "appsettings.Development.json");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "ScorePortal.sln"))) return candidate;
        }
        return null;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) DeleteFiles();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteFiles();
        GC.SuppressFinalize(this);
    }

    private void DeleteFiles()
    {
        // Pooled connections keep the file (and its -wal/-shm) open; release them before deleting.
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm", DatabasePath + "-journal" })
        {
            try { File.Delete(path); } catch (IOException) { }
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
