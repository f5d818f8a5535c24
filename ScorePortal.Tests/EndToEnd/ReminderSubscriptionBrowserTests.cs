using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Data;
using ScorePortal.Features.Reminders;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// A person subscribes to a session's release on the public form, in Chinese and in English (on a phone), and confirms
/// from the mail in the same language; the confirmation mail has its own unsubscribe link.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ReminderSubscriptionBrowserTests(PlaywrightFixture browser)
{
    private static int _nextYear = 2400;

    [Theory]
    [InlineData("zh-CN", "请确认成绩发布提醒", "订阅已确认", false)]
    [InlineData("en-US", "Confirm your results reminder", "Confirmed: we will email you", true)]
    public async Task Subscribing_on_the_form_and_confirming_from_the_mail_works_in_both_languages(string locale, string subject, string confirmed, bool mobile)
    {
        var session = await UpcomingSessionAsync();
        try
        {
            var email = $"browser-{Guid.NewGuid():N}@example.org";
            var page = await browser.NewPageAsync(mobile, locale);

            // The language the person picks on the page (its switch), as other browser tests do.
            await page.GotoAsync($"/culture/{locale}?returnUrl=%2Freminders");
            await page.WaitForURLAsync("**/reminders");
            await page.Locator("#reminders-session").SelectOptionAsync(session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#reminders-email").FillAsync(email);
            await page.Locator("#reminders-captcha").FillAsync(PortalFactory.CaptchaTestAnswer);
            await page.GetByTestId("reminders-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("reminders-result")).ToBeVisibleAsync();
            await PlaywrightFixture.ScreenshotAsync(page, $"reminders-subscribed-{locale}");

            var mail = await browser.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(20));
            Assert.StartsWith(subject, mail.Subject, StringComparison.Ordinal);
            Assert.Contains(locale == "en-US" ? session.NameEn : session.NameZh, mail.TextBody ?? "", StringComparison.Ordinal);
            Assert.Matches(UnsubscribeLink(), mail.TextBody ?? "");
            var link = ConfirmLink().Match(mail.TextBody ?? "").Value;
            Assert.StartsWith(browser.BaseAddress.ToString(), link, StringComparison.Ordinal);

            await page.GotoAsync(link);
            await page.GetByTestId("reminders-confirm-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("reminders-confirm-result")).ToContainTextAsync(confirmed);

            await using var db = browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();
            var subscription = await db.ReminderSubscriptions.AsNoTracking().SingleAsync(s => s.ExamSessionId == session.Id);
            Assert.Equal(ReminderStatus.Confirmed, subscription.Status);
            Assert.Equal(locale, subscription.Culture);
        }
        finally
        {
            // The browser tests share one portal: a session left behind would show on every other test's home page.
            await RemoveAsync(session);
        }
    }

    private async Task RemoveAsync(ExamSession session)
    {
        await using (var db = browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            await db.ReminderSubscriptions.Where(s => s.ExamSessionId == session.Id).ExecuteDeleteAsync();
            await db.ExamSessions.Where(s => s.Id == session.Id).ExecuteDeleteAsync();
        }
        await browser.Portal.Services.GetRequiredService<SessionCatalog>().InvalidateAsync();
    }

    private async Task<ExamSession> UpcomingSessionAsync()
    {
        var year = Interlocked.Increment(ref _nextYear);
        var releaseAt = DateTimeOffset.UtcNow.AddDays(20);
        var session = new ExamSession
        {
            Code = ExamSession.CodeFor(year, ExamHalf.H1), Year = year, Half = ExamHalf.H1,
            NameZh = $"{year}年上半年提醒测试", NameEn = $"{year} first half reminder test",
            ExamStartDate = new DateOnly(year, 5, 10), ExamEndDate = new DateOnly(year, 5, 11),
            ReleaseAt = releaseAt, ReviewOpensAt = releaseAt, ReviewClosesAt = releaseAt.AddDays(14),
        };
        await using (var db = browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            db.ExamSessions.Add(session);
            await db.SaveChangesAsync();
        }
        await browser.Portal.Services.GetRequiredService<SessionCatalog>().InvalidateAsync();
        return session;
    }

    [GeneratedRegex(@"https?://[^\s]+/reminders/confirm\?s=\d+&t=[A-Za-z0-9_-]+")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex(@"/reminders/unsubscribe\?s=\d+&t=[A-Za-z0-9_-]+")]
    private static partial Regex UnsubscribeLink();
}
