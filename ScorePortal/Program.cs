using ScorePortal.Account;
using ScorePortal.Components;
using ScorePortal.Data;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Lookup;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddSharedDevelopmentSettings(args);
builder.AddOperations();
builder.AddPortalLocalization();
builder.AddDatabase();
builder.AddSecurityKeys();
builder.AddAccounts();
builder.AddDemoData();
builder.AddLookup();
builder.AddPortalUi();

var app = builder.Build();

await app.MigrateDatabaseAsync();
await app.EnsureRolesAsync();
await app.SeedDemoDataAsync();

app.UseOperations();
app.UsePortalLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapOperations();
app.MapPortalLocalization();
app.MapAccountEndpoints();
app.MapPortalUi();

app.Run();
