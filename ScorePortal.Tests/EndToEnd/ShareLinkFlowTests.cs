using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>Issue #27 item 4 as the holder and a verifier meet it, in Chromium: make a 1-day link, open it, revoke it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ShareLinkFlowTests(PlaywrightFixture browser)
{
    private const string Password = "share-link-flow-2026";

    /// <summary>赵䶮 (demo record, passed with a certificate); no other browser test links it.</summary>
    private const string IdNumber = "330106198704125212";

    [Fact]
    public async Task The_holder_creates_a_one_day_link_a_verifier_opens_it_and_after_revocation_it_is_refused()
    {
        var (email, userId) = await HolderWithCertificateAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync("/Account/Login?returnUrl=%2Fme");
            await page.FillAsync("#login-email", email);
            await page.FillAsync("#login-password", Password);
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync("**/me");

            await page.ClickAsync("[data-testid=me-share-links-link]");
            await page.WaitForURLAsync("**/me/share-links");
            await Assertions.Expect(page.GetByTestId("sharelinks-empty")).ToBeVisibleAsync();
            await page.CheckAsync("[data-testid=sharelink-new-days-1]");
            await page.FillAsync("#sharelink-note", "某某科技 人事部");
            await page.ClickAsync("[data-testid=sharelink-create]");
            await Assertions.Expect(page.GetByTestId("sharelinks-notice")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("sharelink-qr")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("sharelink-copy")).ToBeVisibleAsync();
            var url = await page.InputValueAsync("#sharelink-url");
            Assert.Matches("/s/[A-Za-z0-9_-]{24}$", url);
            await PlaywrightFixture.ScreenshotAsync(page, "share-link-created");

            // A verifier with nothing but the link, in a fresh anonymous context.
            var verifier = await browser.NewPageAsync(locale: "en-US");
            await verifier.GotoAsync("/culture/en-US?returnUrl=%2F");
            var opened = await verifier.GotoAsync(url);
            Assert.Equal(200, opened!.Status);
            Assert.Equal("Valid", await verifier.GetAttributeAsync("[data-testid=shared-status]", "data-status"));
            Assert.Equal("赵*", await verifier.TextContentAsync("[data-testid=shared-name]"));
            Assert.StartsWith("RK", await verifier.TextContentAsync("[data-testid=shared-number]"));
            await PlaywrightFixture.ScreenshotAsync(verifier, "share-link-opened");

            // The holder sees the visit counted, then revokes the link after confirming.
            await page.GotoAsync("/me/share-links");
            var row = page.GetByTestId("sharelink-row").First;
            await Assertions.Expect(row.GetByTestId("sharelink-opened")).ToContainTextAsync("1 次");
            await Assertions.Expect(row).ToContainTextAsync("某某科技 人事部");
            await row.GetByTestId("sharelink-revoke").ClickAsync();
            await page.ClickAsync("[data-testid=sharelink-revoke-confirm]");
            await Assertions.Expect(page.GetByTestId("sharelinks-notice")).ToBeVisibleAsync();
            Assert.Equal("Revoked", await page.GetAttributeAsync("[data-testid=sharelink-row]", "data-state"));

            var refused = await verifier.GotoAsync(url);
            Assert.Equal(404, refused!.Status);
            await Assertions.Expect(verifier.GetByTestId("shared-refused")).ToHaveTextAsync("This link is not valid (expired or withdrawn).");
            Assert.Equal(0, await verifier.GetByTestId("shared-certificate").CountAsync());
        }
        finally
        {
            await CleanUpAsync(userId);
        }
    }

    /// <summary>A fresh candidate account linked to 赵䶮's record, with that record's report (and certificate) in the register.</summary>
    private async Task<(string Email, string UserId)> HolderWithCertificateAsync()
    {
        var email = $"share.{Guid.NewGuid():N}@example.org";
        string userId;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
            userId = user.Id;
        }
        var index = browser.Portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, IdNumber);
        int registrationId;
        await using (var db = await DbAsync())
        {
            Assert.Equal(1, await db.Candidates.Where(c => c.IdNumberIndex == index)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, DateTimeOffset.UtcNow)));
            var now = DateTimeOffset.UtcNow;
            registrationId = (await db.Registrations.Where(r => r.Candidate.IdNumberIndex == index && r.ExamSession.PublishedAt != null)
                    .Select(r => new { r.Id, r.ExamSession.ReleaseAt }).ToListAsync())
                .Where(r => r.ReleaseAt <= now).OrderByDescending(r => r.ReleaseAt).First().Id;
        }
        var issued = await browser.Portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "zh-CN", browser.BaseAddress + "verify", null));
        Assert.IsType<IssueReportOutcome.Issued>(issued);
        return (email, userId);
    }

    /// <summary>The browser tests share one portal: the links, the report and the record's link go again.</summary>
    private async Task CleanUpAsync(string userId)
    {
        await using var db = await DbAsync();
        await db.ShareLinks.Where(l => l.UserId == userId).ExecuteDeleteAsync();
        await db.ReportIssues.Where(r => r.Candidate.UserId == userId).ExecuteDeleteAsync();
        await db.Candidates.Where(c => c.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UserId, (string?)null).SetProperty(c => c.LinkedAt, (DateTimeOffset?)null));
    }

    private Task<ScorePortalDbContext> DbAsync() =>
        browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
}
