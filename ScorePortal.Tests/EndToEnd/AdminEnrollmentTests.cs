using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AdminEnrollmentTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task Visitor_switches_language_signs_in_as_admin_and_is_enrolled_before_the_admin_area_opens()
    {
        var page = await browser.NewPageAsync();
        var circuits = new List<string>();
        page.WebSocket += (_, socket) => { if (socket.Url.Contains("/_blazor")) circuits.Add(socket.Url); };
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;

        // Chinese by default.
        await page.GotoAsync("/");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("考试成绩查询");

        // The switch is on every page; the choice sticks (cookie).
        await page.GetByTestId("lang-switch").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Exam score lookup");
        Assert.Equal("en-US", await page.Locator("html").GetAttributeAsync("lang"));

        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await page.GetByLabel("Email").FillAsync("admin@scoreportal.demo");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();

        // Sent to TOTP enrollment, in English, with a QR code and the secret as text.
        await Assertions.Expect(page.GetByTestId("enroll-title")).ToHaveTextAsync("Set up your authenticator");
        Assert.Contains("/Account/Authenticator", page.Url);
        await Assertions.Expect(page.GetByTestId("totp-qr")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(page, "admin-enrollment-en");

        // The admin area itself stays closed until then.
        await page.GotoAsync("/admin");
        await Assertions.Expect(page.GetByTestId("enroll-title")).ToBeVisibleAsync();
        Assert.Empty(circuits); // public and account pages are static: no circuit so far

        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        var code = new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);
        await page.GetByLabel("Authenticator code").FillAsync(code);
        await page.GetByTestId("totp-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await page.GetByTestId("continue").ClickAsync();

        // Back where the admin was going, now interactive: a circuit is open and the dashboard shows real counts.
        await page.WaitForURLAsync("**/admin");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("admin-title")).ToHaveTextAsync("Administration");
        Assert.NotEmpty(circuits);

        // An anomaly elsewhere shows up on the open dashboard without a reload.
        var detector = browser.Portal.Services.GetRequiredService<ScorePortal.Features.Alerts.AnomalyDetector>();
        var threshold = new ScorePortal.Features.Alerts.AnomalyOptions().WrongCaptchasPerAddress;
        for (var i = 0; i < threshold; i++)
            await detector.ObserveAsync(ScorePortal.Features.Alerts.Observation.WrongCaptcha, "198.51.100.99");
        await Assertions.Expect(page.GetByTestId("alerts")).ToContainTextAsync(ScorePortal.Features.Alerts.AnomalyDetector.WrongCaptchas);
        await Assertions.Expect(page.GetByTestId("admin-title")).ToHaveTextAsync("Administration"); // still in English
        await PlaywrightFixture.ScreenshotAsync(page, "admin-dashboard-en");

        // The audit page verifies the chain on request.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/audit");
        // The URL changes before the new page replaces the old one: wait for the audit page itself, so that the
        // interactivity marker waited for next is the audit page's, not the dashboard's that is still on screen.
        await Assertions.Expect(page.GetByTestId("verify-audit")).ToBeVisibleAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.GetByTestId("verify-audit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-result")).ToContainTextAsync("The chain is intact", new() { Timeout = 30_000 });
        await PlaywrightFixture.ScreenshotAsync(page, "admin-audit-en");
        // The Content-Security-Policy (no inline script) breaks nothing on the way: no refused script or style.
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    [Fact]
    public async Task Public_pages_open_no_circuit_on_a_phone()
    {
        var page = await browser.NewPageAsync(mobile: true);
        var circuits = 0;
        page.WebSocket += (_, socket) => { if (socket.Url.Contains("/_blazor")) circuits++; };
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) violations.Add(message.Text); };

        foreach (var path in new[] { "/", "/Account/Login", "/Account/Register", "/no-such-page" })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            Assert.True(width <= PlaywrightFixture.MobileWidth, $"{path} is {width}px wide on a {PlaywrightFixture.MobileWidth}px phone");
        }

        Assert.Equal(0, circuits);
        Assert.Empty(violations);
        await PlaywrightFixture.ScreenshotAsync(page, "login-mobile");
    }
}
