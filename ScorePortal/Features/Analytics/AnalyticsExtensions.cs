using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Analytics;

public static class AnalyticsExtensions
{
    public static WebApplicationBuilder AddAnalytics(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionStatistics>();
        return builder;
    }

    /// <summary>The CSV export of the analytics page's figures, with the page's filters; admins only, audited.</summary>
    public static WebApplication MapAnalytics(this WebApplication app)
    {
        app.MapGet("/admin/analytics/export.csv", ExportAsync).RequireAuthorization(Policies.AdminArea)
            .WithRequestTimeout(ScorePortal.Operations.RequestTimeouts.Upload);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> ExportAsync(
        string? session, string? level, string? qualification, string? province, ClaimsPrincipal user,
        IDbContextFactory<ScorePortalDbContext> dbFactory, SessionStatistics statistics, AuditLog audit, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var catalog = await AnalyticsCatalog.LoadAsync(db, ct);
        if (catalog.SessionOf(session) is not { } item) return TypedResults.NotFound();
        var filter = new AnalyticsFilter(item.Code, Empty(level), Empty(qualification), Empty(province));
        var bytes = AnalyticsCsv.Write(catalog, item, await statistics.ForSessionAsync(item.Id, ct), filter);
        await audit.WriteAsync(new AuditRecord(AuditActions.AnalyticsExport, user.FindFirstValue(ClaimTypes.NameIdentifier), Roles.Admin,
            "ExamSession", item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Data: new Dictionary<string, string?>
            {
                ["level"] = filter.Level, ["qualification"] = filter.Qualification, ["province"] = filter.Province,
            }), ct);
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"analytics-{item.Code}.csv");
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim()[..Math.Min(value.Trim().Length, 16)];
}
