using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>Two admins in a real browser: one imports a results file, the other approves and publishes it.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class BatchWorkflowTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task One_admin_imports_in_the_browser_and_a_second_admin_approves_and_publishes_now()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var importer = await CreateAdminAsync($"importer-{suffix}@example.org");
        var approver = await CreateAdminAsync($"approver-{suffix}@example.org");
        string session;
        await using (var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            session = await db.ExamSessions.Where(s => s.PublishedAt == null).Select(s => s.Code).SingleAsync();
        var id = ResultsFile.ResidentId(41, "510104");
        var ticket = $"{session}-51-{suffix}";
        var bad = await new ResultsFile().SeniorCandidate(ticket, id, "李白", "51", 50, 80, 50).SaveAsync(browser.Portal.Directory, $"bad-{suffix}.csv");
        var good = await new ResultsFile().SeniorCandidate(ticket, id, "李白", "51", 50, 70, 50).SaveAsync(browser.Portal.Directory, $"good-{suffix}.csv");

        var page = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        await SignInAsync(page, importer);
        await page.GotoAsync("/admin/batches");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("import-session")).ToContainTextAsync(session);

        // A bad row: every problem with its line, nothing stored, a report to download.
        await ChooseFileAsync(page, bad);
        await page.GetByTestId("import-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Found 1 problem(s) in 3 rows");
        await Assertions.Expect(page.GetByTestId("import-errors")).ToContainTextAsync("Score \"80\" is out of range (0 to 75).");
        await Assertions.Expect(page.GetByTestId("report-link")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(page, "batches-import-refused-en");

        // The fixed file goes in and shows its fingerprint.
        await ChooseFileAsync(page, good);
        await page.GetByTestId("import-start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("import-fingerprint")).ToHaveTextAsync(FingerprintPattern());
        var fingerprint = await page.GetByTestId("import-fingerprint").InnerTextAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Open the batch" }).ClickAsync();
        await page.WaitForURLAsync("**/admin/batches/*");
        await Assertions.Expect(page.GetByTestId("batch-title")).ToBeVisibleAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        var batchUrl = page.Url;

        // The importer cannot approve their own batch.
        await Assertions.Expect(page.GetByTestId("own-batch")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("approve")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("by-qualification")).ToContainTextAsync("S01");
        await page.GetByText("By qualification and province (1)").ClickAsync();
        await Assertions.Expect(page.GetByTestId("by-group")).ToContainTextAsync("S01 · 51");
        await PlaywrightFixture.ScreenshotAsync(page, "batch-own-en");

        // A second admin, on a phone, approves with the fingerprint the importer sent and publishes now.
        var phone = await browser.NewPageAsync(mobile: true);
        await SignInAsync(phone, approver);
        await phone.GotoAsync(batchUrl);
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(phone, "[data-interactive=true]");
        await phone.GetByLabel("Fingerprint the importer sent you (optional)").FillAsync(fingerprint);
        await phone.GetByTestId("approve").ClickAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(phone.GetByTestId("batch-status").First).ToHaveTextAsync("Approved, awaiting publication");
        await phone.GetByTestId("publish-now").ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Dialog)).ToContainTextAsync("has not come yet");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Assertions.Expect(phone.GetByTestId("batch-status").First).ToHaveTextAsync("Published");
        await PlaywrightFixture.ScreenshotAsync(phone, "batch-published-phone-en");
        // A phone's browser widens its window to overflowing content: compare with the phone's own width.
        var batchOverflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth") - PlaywrightFixture.MobileWidth;
        Assert.True(batchOverflow <= 0, $"the batch page is {batchOverflow} px wider than the phone");
        var batchCut = await phone.EvaluateAsync<string[]>(ClippedElements, PlaywrightFixture.MobileWidth);
        Assert.True(batchCut.Length == 0, $"the batch page cuts off on the phone: {string.Join(", ", batchCut)}");

        // The other admin pages fit a 360 px phone: nothing scrolls sideways.
        foreach (var (path, name) in new[] { ("/admin/batches", "batches"), ("/admin/analytics", "analytics"), ("/admin/sessions", "sessions"), ("/admin/catalog", "catalog"), ("/admin/provinces", "provinces") })
        {
            await phone.GotoAsync(path);
            await PlaywrightFixture.WaitForBlazorInteractiveAsync(phone, "[data-interactive=true]");
            await PlaywrightFixture.ScreenshotAsync(phone, $"{name}-phone-en");
            var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than the phone");
            // The check above misses what a phone's browser fits by widening its window: no visible element may reach past the edge
            // (the headers of stacked tables are hidden on purpose).
            if (path == "/admin/batches")
            {
                var cut = await phone.EvaluateAsync<string[]>(ClippedElements, PlaywrightFixture.MobileWidth);
                Assert.True(cut.Length == 0, $"{path}: cut off on the phone: {string.Join(", ", cut)}");
            }
        }

        // The published session is now in the analytics, with charts, tables and a CSV export.
        await page.GotoAsync("/admin/analytics");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("filter-session")).ToContainTextAsync(session);
        await Assertions.Expect(page.GetByTestId("analytics-by-province")).ToContainTextAsync("51");
        Assert.True(await page.Locator("svg.mud-chart-bar, .mud-chart svg").CountAsync() > 0);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("analytics-export").ClickAsync());
        await using (var csv = await download.CreateReadStreamAsync())
        using (var reader = new StreamReader(csv))
            Assert.StartsWith("session,level,qualification_code", await reader.ReadLineAsync());
        await PlaywrightFixture.ScreenshotAsync(page, "analytics-en");

        // The same pages in Chinese, the portal's default language.
        await page.GotoAsync($"/culture/zh-CN?returnUrl={Uri.EscapeDataString(new Uri(batchUrl).PathAndQuery)}");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("batch-status").First).ToHaveTextAsync("已发布");
        await Assertions.Expect(page.GetByTestId("batch-title")).ToHaveTextAsync($"{session} 第 1 版");
        await PlaywrightFixture.ScreenshotAsync(page, "batch-published-zh");

        // Exam-center contacts: the list of provinces, and an edit refused on the server with a clear message.
        await page.GotoAsync("/admin/provinces");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("provinces-table")).ToContainTextAsync("北京市");
        await page.GetByRole(AriaRole.Button, new() { Name = "编辑 北京市 的考试机构" }).ClickAsync();
        await page.GetByLabel("网站").FillAsync("javascript:alert(1)");
        await page.GetByTestId("province-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("province-form")).ToContainTextAsync("请输入以 http:// 或 https:// 开头的有效网址。");
        await PlaywrightFixture.ScreenshotAsync(page, "provinces-zh");
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));

        await using var check = await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var scores = await check.SubjectScores.Where(s => s.Registration.TicketNumber == ticket).ToListAsync();
        Assert.Equal(3, scores.Count);
        Assert.All(scores, s => Assert.True(s.IsCurrent));
    }

    /// <summary>
    /// Chooses a file and waits until the page has taken it. A change sent in the moment before the file input's
    /// script is attached is lost (the circuit is up, the input not yet): then the file is chosen again.
    /// </summary>
    private static async Task ChooseFileAsync(IPage page, string path)
    {
        var name = Path.GetFileName(path);
        for (var attempt = 0; ; attempt++)
        {
            await page.GetByTestId("import-file").SetInputFilesAsync(path);
            try
            {
                await Assertions.Expect(page.GetByTestId("chosen-file")).ToContainTextAsync(name, new() { Timeout = 3000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await page.GetByTestId("import-file").SetInputFilesAsync(Array.Empty<string>());
            }
        }
    }

    private async Task<string> CreateAdminAsync(string email)
    {
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Admin);
        return email;
    }

    /// <summary>Password, then the authenticator enrollment every new admin goes through; the page ends in English.</summary>
    private async Task SignInAsync(IPage page, string email)
    {
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        await page.GotoAsync("/culture/en-US?returnUrl=%2FAccount%2FLogin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("enroll-title")).ToBeVisibleAsync();
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.GetByLabel("Authenticator code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.GetByTestId("totp-submit").ClickAsync();
        await page.GetByTestId("continue").ClickAsync();
    }

    private const string ClippedElements = """
        (width) => [...document.querySelectorAll('main *')]
            .filter(e => !e.closest('.portal-stack thead, .visually-hidden'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > width + 1; })
            .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].slice(0, 2).join('.'))
        """;

    [GeneratedRegex("^([0-9a-f]{4} ){15}[0-9a-f]{4}$")]
    private static partial Regex FingerprintPattern();
}
