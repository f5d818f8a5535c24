using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Features.Sessions;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>The demo admin changes a release time in the browser; candidates see the new time on the public pages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminSessionTests(PlaywrightFixture browser)
{
    /// <summary>
    /// The second demo admin: the first one must stay unenrolled for <see cref="AdminEnrollmentTests"/>, which expects
    /// to be sent to the authenticator setup.
    /// </summary>
    private const string DemoAdmin = "admin2@scoreportal.demo";

    [Fact]
    public async Task Demo_admin_moves_a_release_time_on_a_phone_and_the_home_page_announces_the_new_time()
    {
        // A session of this test's own, far ahead, so the demo sessions the other browser tests rely on stay as seeded.
        var (id, code, year) = await CreateSessionAsync();
        try
        {
            var page = await browser.NewPageAsync(mobile: true);
            var consoleErrors = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
            await SignInWithAuthenticatorAsync(page, DemoAdmin);

            await page.GotoAsync("/culture/zh-CN?returnUrl=%2Fadmin%2Fsessions");
            await page.WaitForURLAsync("**/admin/sessions");
            await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
            await Assertions.Expect(page.GetByTestId("sessions-table")).ToContainTextAsync(code);
            await page.GetByRole(AriaRole.Button, new() { Name = $"编辑 {code}", Exact = true }).ClickAsync();
            var form = page.GetByTestId("session-form");
            await Assertions.Expect(form).ToContainTextAsync($"编辑考试批次 {code}");

            // Typed in China time, as announced to candidates: two days earlier, at 10:30.
            await FillAsync(page, "成绩发布日期", $"{year}-12-20");
            await FillAsync(page, "成绩发布时间", "10:30");
            await PlaywrightFixture.ScreenshotAsync(page, "sessions-edit-phone-zh");
            // A phone's browser widens its window to overflowing content: measure against the phone's own width.
            await form.ScreenshotAsync(new() { Path = Path.Combine(PlaywrightFixture.RepositoryRoot(), "TestResults", "screenshots", "session-form-phone-zh.png") });
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") - PlaywrightFixture.MobileWidth;
            Assert.True(overflow <= 0, $"the session form is {overflow} px wider than the phone");
            await page.GetByTestId("session-save").ClickAsync();

            await Assertions.Expect(form).ToHaveCountAsync(0);
            var announced = new DateTimeOffset(year, 12, 20, 10, 30, 0, PortalFormat.ChinaOffset);
            await Assertions.Expect(page.GetByTestId("sessions-table")).ToContainTextAsync($"{year}年12月20日 10:30");
            await using (var db = await DbAsync())
                Assert.Equal(announced, (await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id)).ReleaseAt);

            // The public home page (static, cached sessions) shows the new time right away.
            await page.GotoAsync("/");
            await Assertions.Expect(page.GetByTestId("sessions")).ToContainTextAsync($"将于 {year}年12月20日 10:30 发布");
            await Assertions.Expect(page.GetByTestId("sessions")).Not.ToContainTextAsync($"{year}年12月22日 09:00");
            await PlaywrightFixture.ScreenshotAsync(page, "home-after-session-edit-phone-zh");

            // The catalog's rows, now with a delete action each, still fit the phone.
            await page.GotoAsync("/admin/catalog");
            await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
            await Assertions.Expect(page.Locator("[aria-label^='删除资格 ']").First).ToBeVisibleAsync();
            overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") - PlaywrightFixture.MobileWidth;
            Assert.True(overflow <= 0, $"the catalog is {overflow} px wider than the phone");
            await PlaywrightFixture.ScreenshotAsync(page, "catalog-phone-zh");
            Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
        }
        finally
        {
            await using (var db = await DbAsync())
                await db.ExamSessions.Where(s => s.Id == id).ExecuteDeleteAsync();
            await browser.Portal.Services.GetRequiredService<SessionCatalog>().InvalidateAsync();
        }
    }

    private async Task<ScorePortalDbContext> DbAsync() =>
        await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    private async Task<(int Id, string Code, int Year)> CreateSessionAsync()
    {
        int year;
        await using (var db = await DbAsync())
            year = await db.ExamSessions.MaxAsync(s => s.Year) + 30;
        static DateTimeOffset China(int y, int m, int d, int h) => new(y, m, d, h, 0, 0, PortalFormat.ChinaOffset);
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SaveSession>().HandleAsync(new SaveSessionRequest(null, year, ExamHalf.H2,
            $"{year}年下半年测试考试", $"{year} second-half test sitting", new DateOnly(year, 11, 7), new DateOnly(year, 11, 8),
            China(year, 12, 22, 9), China(year, 12, 22, 9), China(year + 1, 1, 5, 17), "test-setup"));
        Assert.True(result.Succeeded, string.Join(", ", result.Keys));
        return (result.Id!.Value, ExamSession.CodeFor(year, ExamHalf.H2), year);
    }

    /// <summary>Types into an editable MudBlazor picker; the value is taken when the field loses focus.</summary>
    private static async Task FillAsync(IPage page, string label, string text)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        await input.FillAsync(text);
        await input.PressAsync("Tab");
        await Assertions.Expect(input).ToHaveValueAsync(text);
    }

    /// <summary>
    /// Password, then the authenticator: enrollment the first time this admin signs in on the shared portal, the code
    /// from the enrolled key afterwards. A time step is accepted only once per user, so a second sign-in within the
    /// same 30 seconds uses the next step (the portal tolerates one step of clock drift).
    /// </summary>
    private async Task SignInWithAuthenticatorAsync(IPage page, string email)
    {
        var password = browser.Portal.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Demo:Password"]!;
        await page.GotoAsync("/culture/en-US?returnUrl=%2FAccount%2FLogin%3FreturnUrl%3D%252Fadmin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Authenticator", StringComparison.Ordinal)
                                          || url.Contains("/Account/LoginWith2fa", StringComparison.Ordinal));

        if (page.Url.Contains("/Account/Authenticator", StringComparison.Ordinal))
        {
            var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
            await page.GetByLabel("Authenticator code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
            await page.GetByTestId("totp-submit").ClickAsync();
            await page.GetByTestId("continue").ClickAsync();
        }
        else
        {
            await using var scope = browser.Portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            var totp = new Totp(Base32Encoding.ToBytes((await users.GetAuthenticatorKeyAsync(user))!));
            var now = DateTime.UtcNow;
            var step = new DateTimeOffset(now).ToUnixTimeSeconds() / 30;
            await page.GetByLabel("Authenticator code").FillAsync(totp.ComputeTotp(step <= user.LastTotpTimeStep ? now.AddSeconds(30) : now));
            await page.GetByTestId("totp-submit").ClickAsync();
        }
        await page.WaitForURLAsync("**/admin");
    }
}
