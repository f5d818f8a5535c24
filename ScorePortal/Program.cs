using ScorePortal.Account;
using ScorePortal.Account.Admin;
using ScorePortal.Components;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Analytics;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Catalog;
using ScorePortal.Features.Credentials;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Me;
using ScorePortal.Features.Privacy;
using ScorePortal.Features.Reminders;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Features.ServiceStatus;
using ScorePortal.Features.Sessions;
using ScorePortal.Features.ShareLinks;
using ScorePortal.Features.Sms;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Caching;
using ScorePortal.Platform.Leases;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices;
using ScorePortal.Platform.Outbox;
using ScorePortal.Platform.Retention;
using ScorePortal.Security;

if (GenerateKeysCommand.Matches(args)) return GenerateKeysCommand.Run(args, Console.Out);

WebApplication app;
try
{
    app = Program.CreateBuilder(new WebApplicationOptions { Args = args }).Build();
}
catch (Exception failure) when (StartupRefusal.IsAboutSettings(failure))
{
    return StartupRefusal.Report(failure, Console.Error);
}

// A verb runs its command with only what it needs (Operations/PortalCommands.cs): an unknown one lists the commands
// and exits 2. Without a verb every setting is checked before anything touches the database (one message, exit 1:
// Operations/StartupRefusal.cs), then the database is prepared in full and the portal serves.
var preparation = Program.Preparation(app);
if (await app.RunCommandAsync(args, preparation) is { } exitCode) return exitCode;
if (app.RefuseMisconfiguredStart(Console.Error) is { } misconfigured) return misconfigured;
try
{
    await preparation.RunAsync(CommandNeeds.DemoData);
}
catch (Exception failure) when (StorageFaults.Classify(failure) is { } fault)
{
    // A full or read-only database before serving: one line and exit 1, as a command (issue #26).
    return PortalCommands.StoppedByStorageFault(app.Services, "serve", args, failure, fault, Console.Error);
}
catch (Exception failure) when (failure is not OperationCanceledException)
{
    return PortalCommands.PreparationFailed(app.Services, args, failure, Console.Error);
}

app.UseTrustedProxies();
app.UseOperations();
app.UseSecurityHeaders();
app.UsePortalLocalization();
app.UseLookupBodyLimit();
app.UseBusyGate();
app.UseRateLimiter();
app.UseAuthentication();
app.UsePasswordChangeGate();
app.UsePrivacyNoticeGate();
app.UseAuthorization();
app.UseAntiforgery();
app.UseFriendlyAntiforgeryFailures();

app.MapOperations();
app.MapPortalLocalization();
app.MapAccount();
app.MapAudit();
app.MapBatches();
app.MapAnalytics();
app.MapCaptcha();
app.MapCredentials();
app.MapDataCopies();
app.MapEnterprises();
app.MapLookup();
app.MapPrivacy();
app.MapReminders();
app.MapReports();
app.MapDataSecurityReport();
app.MapReviews();
app.MapServiceStatus();
app.MapSms();
app.MapPortalUi();

app.Run();
return 0;

public partial class Program
{
    /// <summary>The portal's host: the platform, then the features. The benchmark tool (bench/ScorePortal.Bench) builds the same.</summary>
    public static WebApplicationBuilder CreateBuilder(WebApplicationOptions options)
    {
        var builder = WebApplication.CreateBuilder(options);
        string[] args = [.. options.Args ?? []];

        // The platform: configuration, edges, data, keys, fonts, and the cross-cutting services features use
        // (docs/architecture.md). Technical folders name no feature.
        builder.AddSharedDevelopmentSettings(args);
        builder.AddKeyFile(args);
        builder.AddProductionStartupChecks(args);
        builder.AddOperations();
        builder.AddHardenedEdges();
        builder.AddTrustedProxies();
        builder.AddBusyGate();
        builder.AddPublicFormLimits();
        builder.AddPortalLocalization();
        builder.AddDatabase();
        builder.AddSecurityKeys();
        builder.AddDataProtectionKeys();
        builder.AddPortalFonts();
        builder.AddAuditLog();
        builder.AddLimits();
        builder.AddCaches();
        builder.AddLeases();
        builder.AddOutbox();
        builder.AddRetention();
        builder.AddNotices();
        builder.AddPortalUi();

        // Features, one line each, named after their folder.
        builder.AddResults();
        builder.AddAccount();
        builder.AddAccountAdmin();
        builder.AddAlerts();
        builder.AddAnalytics();
        builder.AddAudit();
        builder.AddBatches();
        builder.AddCaptcha();
        builder.AddCatalog();
        builder.AddCredentials();
        builder.AddDataCopies();
        builder.AddDemo();
        builder.AddEnterprises();
        builder.AddLookup();
        builder.AddMe();
        builder.AddDataSecurityReport();
        builder.AddPrivacy();
        builder.AddReminders();
        builder.AddReports();
        builder.AddReviews();
        builder.AddServiceStatus();
        builder.AddSessions();
        builder.AddShareLinks();
        builder.AddSms();
        return builder;
    }

    /// <summary>
    /// What the database needs before the portal serves, and before a command that needs the database: migrated, older
    /// development values bound to their rows, the roles; then the demo data (Development/Testing with Demo:Seed).
    /// </summary>
    public static PortalPreparation Preparation(WebApplication app) => new(
        [app.MigrateDatabaseAsync, app.BindOldDevelopmentValuesAsync, app.EnsureRolesAsync],
        [app.SeedDemoDataAsync]);
}
