using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Features.Privacy;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Enterprises.Consents;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>A candidate closes their account in Chromium, in each language: from /me, through the second verification.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PrivacyFlowTests(PlaywrightFixture browser)
{
    private const string Password = "privacy-flow-2026";

    [Theory]
    [InlineData("zh-CN", "注销")]
    [InlineData("en-US", "CLOSE")]
    public async Task A_candidate_reads_what_stays_verifies_again_confirms_and_the_account_is_closed(string culture, string word)
    {
        var email = $"close.{Guid.NewGuid():N}@example.org";
        string userId;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser
            {
                UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow,
                PrivacyNoticeVersion = PrivacyNotice.Current.Version, PrivacyNoticeAcceptedAt = DateTimeOffset.UtcNow,
            };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
            userId = user.Id;
        }
        var candidateId = await ConsentTestSupport.BindAsync(browser.Portal, userId, null);

        var page = await browser.NewPageAsync(locale: culture);
        await page.GotoAsync($"/culture/{culture}?returnUrl=%2FAccount%2FLogin%3FreturnUrl%3D%252Fme");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/me");

        // From the candidate area's privacy card to the page that says what stays and what goes.
        await page.ClickAsync("[data-testid=me-privacy-close]");
        await page.WaitForURLAsync("**/me/close");
        await Assertions.Expect(page.GetByTestId("close-kept")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("close-erased")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByTestId("close-submit").CountAsync());

        // The second verification: password + a code sent by email, then back here.
        await page.ClickAsync("[data-testid=close-stepup]");
        await page.WaitForURLAsync("**/Account/StepUp**");
        var before = browser.Mailbox.MessagesTo(email);
        await page.ClickAsync("[data-testid=stepup-send]");
        await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
        var codeMail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
        await page.FillAsync("#stepup-password", Password);
        await page.FillAsync("#stepup-code", SixDigits().Match(codeMail.TextBody ?? "").Value);
        await page.ClickAsync("[data-testid=stepup-submit]");
        await page.WaitForURLAsync("**/me/close");

        // The confirmation: the word of the page's language and the tick.
        await page.FillAsync("#close-word", word);
        await page.CheckAsync("[data-testid=close-tick]");
        await PlaywrightFixture.ScreenshotAsync(page, $"me-close-{culture}");
        await page.ClickAsync("[data-testid=close-submit]");
        await Assertions.Expect(page.GetByTestId("close-done")).ToBeVisibleAsync();

        // Signed out, and the area is closed to this browser.
        await page.GotoAsync("/me");
        await page.WaitForURLAsync("**/Account/Login**");

        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var closed = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.True(CloseAccount.IsClosedAddress(closed.Email));
        Assert.True(DisabledAccounts.IsDisabled(closed));
        Assert.Null((await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == candidateId)).UserId);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
