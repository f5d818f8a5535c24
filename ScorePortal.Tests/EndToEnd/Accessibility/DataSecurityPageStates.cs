using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Privacy;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>The states of the data-security pages for axe-core: a published year, the admin's preview and the code prompt.</summary>
public static class DataSecurityPageStates
{
    /// <summary>Publishes last year's figures straight into the store (as the admin page does) and reloads the public page on it.</summary>
    public static async Task ShowAPublishedYearAsync(IPage page, PlaywrightFixture browser)
    {
        var services = browser.Portal.Services;
        var counter = services.GetRequiredService<DataSecurityReportFigures>();
        var year = counter.CurrentYear - 1;
        var figures = await counter.CountAsync(year);
        await using (var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            if (!await db.DataSecurityReports.AnyAsync(r => r.Year == year))
            {
                db.DataSecurityReports.Add(new DataSecurityReport
                {
                    Year = year, PublishedAt = DateTimeOffset.UtcNow, PublishedByUserId = "accessibility", FiguresJson = DataSecurityReport.Serialize(figures),
                });
                await db.SaveChangesAsync();
            }
        }
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("[data-testid=data-security-report]");
    }

    public static async Task PreviewAYearAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=data-security-preview]");
        await page.WaitForSelectorAsync("[data-testid=data-security-preview-figures]");
    }

    public static async Task AskForTheCodeOfAPublicationAsync(IPage page, PlaywrightFixture browser)
    {
        await PreviewAYearAsync(page, browser);
        await page.ClickAsync("[data-testid=data-security-publish]");
        await page.WaitForSelectorAsync("[data-testid=code-confirm]");
    }
}
