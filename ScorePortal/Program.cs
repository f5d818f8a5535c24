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
using ScorePortal.Features.Outbox;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Sessions;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Security;

if (GenerateKeysCommand.Matches(args)) return GenerateKeysCommand.Run(args, Console.Out);

var builder = WebApplication.CreateBuilder(args);

builder.AddSharedDevelopmentSettings(args);
builder.AddKeyFile(args);
builder.AddProductionStartupChecks();
builder.AddOperations();
builder.AddHardenedEdges();
builder.AddTrustedProxies();
builder.AddPortalLocalization();
builder.AddDatabase();
builder.AddSecurityKeys();
builder.AddDataProtectionKeys();
builder.AddPortalFonts();
builder.AddScoreReports();
builder.AddCaptcha();
builder.AddAudit();
builder.AddOutbox();
builder.AddBusyGate();
builder.AddLookupThrottle();
builder.AddAnomalyDetection();
builder.AddAccounts();
builder.AddDemoData();
builder.AddSessionCatalog();
builder.AddCatalog();
builder.AddLookup();
builder.AddBatches();
builder.AddAnalytics();
builder.AddPublicFormLimits();
builder.AddCandidateArea();
builder.AddReportRegister();
builder.AddPortalUi();

var app = builder.Build();
app.UseFieldEncryption();

await app.MigrateDatabaseAsync();
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
app.MapAccountEndpoints();
app.MapCaptcha();
app.MapLookup();
app.MapAudit();
app.MapBatches();
app.MapAnalytics();
app.MapReportEndpoints();
app.MapPortalUi();

app.Run();
return 0;
