using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Tests.Features.Enterprises.Figures;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>An enterprise user in Chromium: uploads a roster, reads the figures with their "&lt;5" cells, exports the CSV.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FiguresEndToEndTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task An_enterprise_user_uploads_a_roster_sees_the_figures_with_small_groups_hidden_and_exports_them()
    {
        var services = browser.Portal.Services;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var enterpriseId = await EnterpriseTestData.EnterpriseAsync(services, "浏览器测试企业 " + suffix);
        var (qualificationId, candidates) = await EnterpriseTestData.CandidatesWithResultsAsync(services, 8);
        Assert.True(candidates.Count >= 3, "The demo data has too few candidates with results of one qualification.");
        var roster = new StringBuilder("employee_id,department,performance,years_of_service\n");
        for (var i = 0; i < candidates.Count; i++)
        {
            var employeeId = $"W{suffix}-{i + 1:D2}";
            await EnterpriseTestData.ConsentAsync(services, enterpriseId, candidates[i], employeeId, [qualificationId]);
            roster.Append($"{employeeId},{(i < candidates.Count - 2 ? "研发中心" : "市场部")},{70 + i},{i}\n");
        }
        roster.Append($"W{suffix}-NONE,市场部,99,3\n");
        var email = $"figures-{suffix}@example.org";
        var password = services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        await EnterpriseTestData.MemberAsync(services, enterpriseId, email, password, enrolled: false);

        var page = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
        await SignInAsync(page, email, password);
        await page.GotoAsync("/enterprise/figures");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await Assertions.Expect(page.GetByTestId("figures-empty")).ToBeVisibleAsync();

        await ChooseFileAsync(page, "名单.csv", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(roster.ToString())]);
        await page.GetByTestId("roster-upload").ClickAsync();
        await Assertions.Expect(page.GetByTestId("roster-result"))
            .ToContainTextAsync($"共 {candidates.Count + 1} 行，保留 {candidates.Count} 行（有有效授权），舍弃 1 行");

        var table = page.GetByTestId("pass-rates");
        await Assertions.Expect(table).ToContainTextAsync("市场部");
        await Assertions.Expect(table.Locator("tr", new() { HasText = "市场部" })).ToContainTextAsync("<5");
        await Assertions.Expect(page.GetByTestId("figures-legend")).ToContainTextAsync("<5");
        await Assertions.Expect(page.GetByTestId("talent-conclusion")).ToHaveTextAsync($"人数过少（n = {candidates.Count}）");
        await Assertions.Expect(page.GetByTestId("talent-bands")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(page, "enterprise-figures-zh");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("figures-export").ClickAsync());
        byte[] csv;
        await using (var stream = await download.CreateReadStreamAsync())
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            csv = copy.ToArray();
        }
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), csv[..3]);
        var text = Encoding.UTF8.GetString(csv.AsSpan(3));
        Assert.StartsWith("部门统计", text);
        Assert.Contains("市场部,", text);
        Assert.Contains(",<5,<5,<5", text);
        Assert.DoesNotContain($"W{suffix}", text);

        // A file with a bad row stores nothing: the figures stay those of the roster above.
        await ChooseFileAsync(page, "bad.csv", Encoding.UTF8.GetBytes("employee_id,department\nW1,研发中心\nW1,市场部\n"));
        await page.GetByTestId("roster-upload").ClickAsync();
        await Assertions.Expect(page.GetByTestId("roster-errors")).ToContainTextAsync("工号重复（首次出现在第 2 行）");
        await Assertions.Expect(table).ToContainTextAsync("市场部");
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    /// <summary>Password, then the authenticator enrollment every new enterprise account goes through.</summary>
    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login?returnUrl=%2Fenterprise%2Ffigures");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.FillAsync("#totp-code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.ClickAsync("[data-testid=continue]");
        await page.WaitForURLAsync("**/enterprise/figures");
    }

    /// <summary>
    /// Chooses a file and waits until the page has taken it: a change sent in the moment before the file input's script
    /// is attached is lost, and then the file is chosen again.
    /// </summary>
    private static async Task ChooseFileAsync(IPage page, string name, byte[] content)
    {
        for (var attempt = 0; ; attempt++)
        {
            await page.GetByTestId("roster-file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = content });
            try
            {
                await Assertions.Expect(page.GetByTestId("roster-chosen")).ToContainTextAsync(name, new() { Timeout = 3000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await page.GetByTestId("roster-file").SetInputFilesAsync(Array.Empty<string>());
            }
        }
    }
}
