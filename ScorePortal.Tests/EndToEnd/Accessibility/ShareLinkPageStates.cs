using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Features.ShareLinks;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>
/// States of the share-link pages. Their data hangs on a report with a certificate: 买买提·艾力's (a demo record no other
/// browser test links), issued once to a helper account of this portal and reused by later states.
/// </summary>
public static class ShareLinkPageStates
{
    private const string IdNumber = "650102199302267414";

    /// <summary>The holder's page with a link in the list, its address and QR code shown, and its extend form open.</summary>
    /// <remarks>
    /// The run's candidate cannot hold a certificate of its own (other states link it to records without one), so the
    /// link is stored for it directly, pointing at the helper's report: the page renders the same rows either way.
    /// </remarks>
    public static async Task ShowALinkWithItsExtendFormAsync(IPage page, PlaywrightFixture browser)
    {
        await page.GotoAsync("/Account/Manage/Email");
        var email = await page.InputValueAsync("[data-testid=email-current]");
        var (_, reportId) = await HelperReportAsync(browser);
        int linkId;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
            linkId = await AddLinkAsync(browser, user!.Id, reportId, "某某科技 人事部");
        }
        await page.GotoAsync($"/me/share-links?show={linkId}&extend={linkId}");
        await page.WaitForSelectorAsync("[data-testid=sharelink-extend-form]");
        await page.WaitForSelectorAsync("[data-testid=sharelink-qr]");
    }

    /// <summary>The public page of a valid link.</summary>
    public static async Task OpenAValidLinkAsync(IPage page, PlaywrightFixture browser)
    {
        var (userId, reportId) = await HelperReportAsync(browser);
        var token = ShareLinkToken.New();
        await AddLinkAsync(browser, userId, reportId, "", token);
        await page.GotoAsync("/s/" + token);
        await page.WaitForSelectorAsync("[data-testid=shared-certificate]");
    }

    private static async Task<int> AddLinkAsync(PlaywrightFixture browser, string userId, int reportId, string note, string? token = null)
    {
        token ??= ShareLinkToken.New();
        var now = DateTimeOffset.UtcNow;
        await using var db = await DbAsync(browser);
        var link = new ShareLink
        {
            UserId = userId, ReportIssueId = reportId, TokenHash = ShareLinkToken.Hash(token), Token = token, Note = note,
            CreatedAt = now, ExpiresAt = now.AddDays(7), OpenCount = 3, LastOpenedAt = now,
        };
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync();
        return link.Id;
    }

    /// <summary>The helper account linked to the record and its valid report (made on first use).</summary>
    private static async Task<(string UserId, int ReportId)> HelperReportAsync(PlaywrightFixture browser)
    {
        var index = browser.Portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, IdNumber);
        string? userId;
        await using (var db = await DbAsync(browser))
            userId = await db.Candidates.Where(c => c.IdNumberIndex == index).Select(c => c.UserId).SingleAsync();
        if (userId is null)
        {
            var email = $"a11y-holder-{Guid.NewGuid():N}@example.org";
            await using (var scope = browser.Portal.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
                Assert.True((await users.CreateAsync(user, "a11y-holder-2026-pass")).Succeeded);
                Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
                userId = user.Id;
            }
            await using var db = await DbAsync(browser);
            await db.Candidates.Where(c => c.IdNumberIndex == index)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, DateTimeOffset.UtcNow));
        }
        int registrationId;
        await using (var db = await DbAsync(browser))
        {
            var now = DateTimeOffset.UtcNow;
            registrationId = (await db.Registrations.Where(r => r.Candidate.IdNumberIndex == index && r.ExamSession.PublishedAt != null)
                    .Select(r => new { r.Id, r.ExamSession.ReleaseAt }).ToListAsync())
                .Where(r => r.ReleaseAt <= now).OrderByDescending(r => r.ReleaseAt).First().Id;
        }
        // Issuing again for the same figures hands back the same report.
        var issued = await browser.Portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "zh-CN", browser.BaseAddress + "verify", null));
        return (userId, Assert.IsType<IssueReportOutcome.Issued>(issued).ReportId);
    }

    private static Task<ScorePortalDbContext> DbAsync(PlaywrightFixture browser) =>
        browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
}
