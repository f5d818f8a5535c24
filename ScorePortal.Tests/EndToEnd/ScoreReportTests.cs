using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>The score report as a candidate and an employer meet it, in Chromium, with mail from the real SMTP listener.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ScoreReportTests(PlaywrightFixture browser)
{
    private const string Password = "report-flow-2026";

    [Fact]
    public async Task Candidate_registers_links_the_record_downloads_a_report_and_an_employer_verifies_and_sees_it_revoked()
    {
        var email = $"zhang.wei.{Guid.NewGuid():N}@example.org";
        var page = await browser.NewPageAsync();

        // Register; the confirmation link arrives by SMTP.
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#reg-email", email);
        await page.FillAsync("#reg-password", Password);
        await page.FillAsync("#reg-confirm", Password);
        await page.CheckAsync("[data-testid=register-accept-notice]");
        var mailBefore = browser.Mailbox.MessagesTo(email);
        await page.ClickAsync("[data-testid=register-submit]");
        var confirmation = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !mailBefore.Contains(m), TimeSpan.FromSeconds(30));
        var link = Link().Match(confirmation.TextBody ?? confirmation.HtmlBody ?? "").Value;
        Assert.Contains("/Account/ConfirmEmail", link);
        await page.GotoAsync(link);

        // Registration signs nobody in (its answer must not tell whether the address had an account): sign in now.
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(browser.BaseAddress.ToString());

        // Link 张伟's record: ID, name and one admission ticket (it has no email, so no code is needed).
        await page.GotoAsync("/me");
        await page.ClickAsync("[data-testid=me-link]");
        await page.SelectOptionAsync("#link-idtype", "ResidentId");
        await page.FillAsync("#link-id", "110105199003072311");
        await page.FillAsync("#link-name", "张伟");
        await page.FillAsync("#link-ticket", await TicketAsync());
        await page.FillAsync("#link-captcha", PortalFactory.CaptchaTestAnswer);
        await page.ClickAsync("[data-testid=link-submit]");
        await page.WaitForSelectorAsync("[data-testid=result-sheet]");
        await PlaywrightFixture.ScreenshotAsync(page, "me-scores");

        // The first download asks for the second verification: password + a code sent by email.
        await page.ClickAsync("[data-testid=download-zh-CN]");
        await page.WaitForURLAsync("**/Account/StepUp**");
        var before = browser.Mailbox.MessagesTo(email);
        await page.ClickAsync("[data-testid=stepup-send]");
        await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
        var codeMail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
        await page.FillAsync("#stepup-password", Password);
        await page.FillAsync("#stepup-code", SixDigits().Match(codeMail.TextBody ?? "").Value);
        await PlaywrightFixture.ScreenshotAsync(page, "me-stepup");
        await page.ClickAsync("[data-testid=stepup-submit]");
        await page.WaitForURLAsync("**/me");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=download-zh-CN]"));
        var pdf = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));

        await page.GotoAsync("/me/reports");
        var code = await page.GetAttributeAsync("[data-testid=report-row]", "data-code");
        Assert.NotNull(code);

        // An employer checks the code without signing in.
        var employer = await browser.NewPageAsync(locale: "en-US");
        await employer.GotoAsync("/culture/en-US?returnUrl=%2Fverify");
        await employer.FillAsync("#verify-code", code!);
        await employer.ClickAsync("[data-testid=verify-code-submit]");
        Assert.Equal("Valid", await employer.GetAttributeAsync("[data-testid=verify-status]", "data-status"));
        Assert.Equal("张*", await employer.TextContentAsync("[data-testid=verify-name]"));
        await PlaywrightFixture.ScreenshotAsync(employer, "verify-valid");

        // The candidate revokes it; the employer sees "revoked".
        await page.ClickAsync("[data-testid=report-revoke]");
        await page.ClickAsync("[data-testid=revoke-confirm]");
        await page.WaitForSelectorAsync("[data-testid=reports-notice]");
        await employer.ReloadAsync();
        Assert.Equal("Revoked", await employer.GetAttributeAsync("[data-testid=verify-status]", "data-status"));

        // An altered copy of the file is not genuine.
        var altered = (byte[])pdf.Clone();
        altered[pdf.Length / 3] ^= 0x20;
        await employer.GotoAsync("/verify");
        await employer.SetInputFilesAsync("#verify-file", new FilePayload { Name = "report.pdf", MimeType = "application/pdf", Buffer = altered });
        await employer.ClickAsync("[data-testid=verify-file-submit]");
        var verdict = await employer.TextContentAsync("[data-testid=verify-file-verdict]");
        Assert.Contains("Not genuine", verdict);
        await PlaywrightFixture.ScreenshotAsync(employer, "verify-altered");
    }

    private async Task<string> TicketAsync()
    {
        var tickets = await ScorePortal.Tests.Features.Me.CandidateTestSupport.TicketsAsync(browser.Portal,
            ScorePortal.Model.IdType.ResidentId, "110105199003072311");
        return tickets[0];
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
