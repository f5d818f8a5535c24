using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>The first start's work for every demo role (<c>DemoWork</c>): off unless a test asks, since many tests walk 李娜's review themselves.</summary>
    public const string DemoWork = "Demo:Work";

    /// <summary>Every captcha also accepts this answer in tests (Captcha:TestAnswer; refused outside Development/Testing).</summary>
    public const string CaptchaTestAnswer = "TEST";

    /// <summary>
    /// Demo data stays off unless a test asks for it: most tests build exactly the rows they assert on,
    /// and a seeded database of thousands of candidates would make every factory start slow.
    /// A test that switches seeding on still gets a small population.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> TestDefaults = new Dictionary<string, string?>
    {
        // Environment "Testing" refuses to start without this opt-in (SharedDevelopmentSettings.TestingOptIn): only the
        // test host and the benchmark scripts set it.
        [ScorePortal.Operations.SharedDevelopmentSettings.TestingOptIn] = "true",
        [DemoSeed] = "false",
        [DemoCandidates] = "200",
        [DemoWork] = "false",
        ["Database:Provider"] = "Sqlite",
        ["Database:MigrateOnStart"] = "true",
        // EF caches one model per process, so every host in the test run shares one field-encryption key ring
        // (t2 exists for the key-rotation test, which runs alone).
        ["Security:EncryptionKeys:t1"] = "dGVzdC1maWVsZC1rZXktMDAwMDAwMDAwMDAwMDAwMDA=",
        ["Security:EncryptionKeys:t2"] = "dGVzdC1maWVsZC1rZXktdHdvMDAwMDAwMDAwMDAwMDA=",
        ["Security:CurrentEncryptionKeyId"] = "t1",
        ["Captcha:TestAnswer"] = CaptchaTestAnswer,
        // Every in-process request comes from one "address": limits and monitors that count per address are off
        // here and tested with their own settings (LookupGuardTests, LookupThrottleTests, AnomalyDetectorTests).
        ["Lookup:Limits:PerAddressPerMinute"] = "0",
        ["Lookup:Limits:PerIdNumberPer10Minutes"] = "0",
        ["Lookup:Limits:WrongNamesBeforeLock"] = "0",
        ["Lookup:Limits:WrongNamesBeforeDelay"] = "0",
        ["Anomaly:LookupsPerAddress"] = "0",
        ["Anomaly:AddressesPerIdNumber"] = "0",
        ["Anomaly:ProvincesPerAddress"] = "0",
        ["Anomaly:WrongCaptchasPerAddress"] = "0",
        ["Anomaly:WrongNamesPerAddress"] = "0",
        ["PublicForms:PostsPerAddressPerMinute"] = "0",
        ["PublicForms:VerificationsPerAddressPerMinute"] = "0",
        ["PublicForms:PasswordResetsPerAddressPerMinute"] = "0",
        ["Captcha:ImagesPerAddressPerMinute"] = "0",
        ["Captcha:NewPerAddressPerMinute"] = "0",
        ["Me:LinkLimits:WrongPerAddressPerHour"] = "0",
        // Per client the sign-in captcha is off too (SignInProtectionTests switches it on); per typed email it stays on.
        ["Account:SignIn:CaptchaAfterAddressFailures"] = "0",
        // The retention job is run by hand in its tests (RetentionTests): a clock moved by another test must not start it.
        ["Retention:Interval"] = "00:00:00",
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

    /// <summary>
    /// The SMTP server this portal sends its mail to (shared by every portal of the test run: find your message by its
    /// recipient). A test that overrides Smtp:Port sends elsewhere.
    /// </summary>
    public SmtpTestServer Mailbox => SmtpTestServer.Shared;

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
            // Generated keys go to this factory's folder, never into the source tree.
            ["Security:KeyDirectory"] = Path.Combine(Directory, "keys"),
            ["Batches:WorkDirectory"] = Path.Combine(Directory, "imports"),
            ["Audit:CheckpointDirectory"] = Path.Combine(Directory, "audit-checkpoints"),
            ["Audit:Archive:Directory"] = Path.Combine(Directory, "audit-archive"),
            ["Reviews:FilesDirectory"] = Path.Combine(Directory, "review-files"),
            ["Smtp:From"] = "noreply@scoreportal.test",
        };
        // Mail really leaves over SMTP, to the test process's own listener (Mailbox).
        foreach (var (key, value) in SmtpTestServer.Shared.PortalSettings) settings[key] = value;
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

        // The app itself loads the repository's appsettings.Development.json in "Testing" too; these settings are
        // added last, so neither settings file can point the app back at App_Data/.
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Settings));

        // A request may name its socket peer (TestPeerAddress.Header): per-address limits and trusted proxies need one.
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestPeerAddress>());

        // A subscriber of result changes, in the transaction and after it, as a later feature would add one.
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ResultChangedRecorder>();
            services.AddSingleton<ScorePortal.Features.Results.IResultChangedInTransaction>(sp => sp.GetRequiredService<ResultChangedRecorder>());
            services.AddSingleton<ScorePortal.Features.Results.IResultChangedSubscriber>(sp => sp.GetRequiredService<ResultChangedRecorder>());
        });
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
