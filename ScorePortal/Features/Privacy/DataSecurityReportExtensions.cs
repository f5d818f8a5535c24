using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Privacy;

public static class DataSecurityReportExtensions
{
    /// <summary>The yearly data-security report: counting, publishing (admin, with a fresh code) and its PDF.</summary>
    public static WebApplicationBuilder AddDataSecurityReport(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DataSecurityReportFigures>();
        builder.Services.AddSingleton<PublishDataSecurityReport>();
        builder.Services.AddSingleton<DataSecurityReportPdf>();
        return builder;
    }

    /// <summary><c>/data-security/{year}/report.pdf</c>: a published year's PDF, for anyone (404 for a year not published).</summary>
    public static IEndpointRouteBuilder MapDataSecurityReport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/data-security/{year:int}/report.pdf", PdfAsync);
        return app;
    }

    private static async Task<IResult> PdfAsync(int year, IDbContextFactory<ScorePortalDbContext> dbFactory, DataSecurityReportPdf pdf, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var report = await db.Set<DataSecurityReport>().AsNoTracking().FirstOrDefaultAsync(r => r.Year == year, ct);
        if (report is null) return TypedResults.NotFound();
        return TypedResults.File(pdf.Render(report.Figures(), report.PublishedAt), "application/pdf", $"data-security-{year}.pdf");
    }
}
