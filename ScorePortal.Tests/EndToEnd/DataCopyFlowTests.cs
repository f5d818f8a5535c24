using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>A candidate asks for a copy of their data at /me/data and downloads both files, in Chinese and in English, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class DataCopyFlowTests(PlaywrightFixture browser)
{
    private const string Password = "data-copy-flow-2026";

    [Theory]
    [InlineData("zh-CN", "个人数据副本", "准备中", "可下载")]
    [InlineData("en-US", "Copy of personal data", "Preparing", "Ready")]
    public async Task A_candidate_verifies_again_requests_a_copy_and_downloads_it_as_pdf_and_json(string culture, string pdfTitle, string preparing, string ready)
    {
        var (email, name) = await CandidateWithARecordAsync();
        var page = await browser.NewPageAsync(locale: culture);
        await page.GotoAsync($"/culture/{culture}?returnUrl=%2F");
        await page.GotoAsync("/Account/Login?returnUrl=%2Fme%2Fdata");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/me/data");

        // The page asks for the second verification first (password + a code sent by email) and comes back.
        await page.ClickAsync("[data-testid=data-copy-stepup]");
        await page.WaitForURLAsync("**/Account/StepUp**");
        var before = browser.Mailbox.MessagesTo(email);
        await page.ClickAsync("[data-testid=stepup-send]");
        await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
        var codeMail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
        await page.FillAsync("#stepup-password", Password);
        await page.FillAsync("#stepup-code", SixDigits().Match(codeMail.TextBody ?? "").Value);
        await page.ClickAsync("[data-testid=stepup-submit]");
        await page.WaitForURLAsync("**/me/data");

        await page.ClickAsync("[data-testid=data-copy-request]");
        await page.WaitForSelectorAsync("[data-testid=data-copy-notice]");
        // The worker may already be done: either state is right, in the page's language.
        var state = (await page.TextContentAsync("[data-testid=data-copy-state]") ?? "").Trim();
        Assert.True(state.StartsWith(preparing, StringComparison.Ordinal) || state.StartsWith(ready, StringComparison.Ordinal), state);

        // Prepared in the background: the candidate refreshes until the copy is ready.
        for (var i = 0; i < 120 && await page.QuerySelectorAsync("[data-testid=data-copy-row][data-state=Ready]") is null; i++)
        {
            await page.WaitForTimeoutAsync(500);
            await page.GotoAsync("/me/data");
        }
        await page.WaitForSelectorAsync("[data-testid=data-copy-row][data-state=Ready]");
        await PlaywrightFixture.ScreenshotAsync(page, $"me-data-ready-{culture}");

        var pdfDownload = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=data-copy-pdf]"));
        var pdf = await File.ReadAllBytesAsync(await pdfDownload.PathAsync());
        using (var document = PigDocument.Open(pdf))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains(pdfTitle, text);
            Assert.Contains(name, text);
        }
        var jsonDownload = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=data-copy-json]"));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(await jsonDownload.PathAsync()));
        Assert.Equal(culture, json.RootElement.GetProperty("culture").GetString());
        Assert.Equal(name, json.RootElement.GetProperty("candidate").GetProperty("name").GetString());
    }

    /// <summary>A new candidate account linked to a demo record nobody else uses (the last generated ones).</summary>
    private async Task<(string Email, string Name)> CandidateWithARecordAsync()
    {
        var email = $"copy.{Guid.NewGuid():N}@example.org";
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Candidate);
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var candidate = await db.Candidates.Where(c => c.UserId == null && c.Registrations.Any()).OrderByDescending(c => c.Id).FirstAsync();
        candidate.UserId = user.Id;
        candidate.LinkedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        return (email, candidate.Name);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
