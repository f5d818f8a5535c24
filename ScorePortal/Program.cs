using ScorePortal.Account;
using ScorePortal.Components;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Analytics;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Catalog;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Me;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Features.Sessions;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;

if (GenerateKeysCommand.Matches(args)) return GenerateKeysCommand.Run(args, Console.Out);

var builder = WebApplication.CreateBuilder(args);

// The platform: configuration, edges, data, keys, fonts, and the cross-cutting services features use
// (docs/architecture.md). Technical folders name no feature.
builder.AddSharedDevelopmentSettings(args);
builder.AddKeyFile(args);
builder.AddProductionStartupChecks();
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
builder.AddOutbox();
builder.AddNotices();
builder.AddPortalUi();

// Features, one line each, named after their folder.
builder.AddResults();
builder.AddAccount();
builder.AddAlerts();
builder.AddAnalytics();
builder.AddAudit();
builder.AddBatches();
builder.AddCaptcha();
builder.AddCatalog();
builder.AddDemo();
builder.AddLookup();
builder.AddMe();
builder.AddReports();
builder.AddReviews();
builder.AddSessions();

var app = builder.Build();

await app.MigrateDatabaseAsync();
await app.BindOldDevelopmentValuesAsync();
await app.EnsureRolesAsync();
await app.SeedDemoDataAsync();
if (await app.RunCommandAsync(args) is { } exitCode) return exitCode;

app.UseTrustedProxies();
app.UseOperations();
app.UseSecurityHeaders();
app.UsePortalLocalization();
app.UseAddressBlock();
app.UseLookupBodyLimit();
app.UseBusyGate();
app.UseRateLimiter();
app.UseAuthentication();
app.UsePasswordChangeGate();
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
app.MapLookup();
app.MapReports();
app.MapReviews();
app.MapPortalUi();

app.Run();
return 0;
