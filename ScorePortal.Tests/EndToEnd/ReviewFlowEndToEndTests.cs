using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Reviews;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>The issue's "How it is checked", in Chromium on the demo data, with the mail from the real SMTP listener.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewFlowEndToEndTests(PlaywrightFixture browser)
{
    private string DemoPassword => browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;

    [Fact]
    public async Task Li_Na_applies_Shanghai_staff_and_three_experts_re_mark_staff_confirm_and_47_stands()
    {
        var portal = browser.Portal;

        // 李娜 signs in, links her record and downloads a report before the review (it must end up superseded).
        var email = $"li.na.{Guid.NewGuid():N}@example.org";
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Candidate);
        }
        var userId = await UserIdAsync(portal, email);
        var candidate = await browser.NewPageAsync();
        await SignInAsync(candidate, email, Password, "/me");
        await candidate.GotoAsync("/me/link");
        await candidate.SelectOptionAsync("#link-idtype", "ResidentId");
        await candidate.FillAsync("#link-id", ReviewTestSupport.LiNaId);
        await candidate.FillAsync("#link-name", "李娜");
        await candidate.FillAsync("#link-ticket", (await TicketsAsync(portal, ScorePortal.Model.IdType.ResidentId, ReviewTestSupport.LiNaId))[0]);
        await candidate.FillAsync("#link-captcha", PortalFactory.CaptchaTestAnswer);
        await candidate.ClickAsync("[data-testid=link-submit]");
        await candidate.WaitForSelectorAsync("[data-testid=me-review-window]");
        int registrationId;
        await using (var db = await Db())
            registrationId = await db.Registrations.Where(r => r.Candidate.UserId == userId).Select(r => r.Id).SingleAsync();
        var report = Assert.IsType<IssueReportOutcome.Issued>(await portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "zh-CN", browser.BaseAddress + "verify", null)));

        // Apply for 应用技术 (41 against 45) with three files and an on-site appointment.
        await candidate.ClickAsync("[data-testid=me-reviews-link]");
        await candidate.WaitForSelectorAsync("[data-testid=review-apply]");
        var subject = candidate.Locator("[data-testid=review-subject] option", new() { HasTextString = "应用技术" });
        await candidate.SelectOptionAsync("[data-testid=review-subject]", (await subject.GetAttributeAsync("value"))!);
        await candidate.SetInputFilesAsync("[data-testid=review-file-applicationForm]", new FilePayload { Name = "申请表.pdf", MimeType = "application/pdf", Buffer = ReviewTestSupport.Pdf(1) });
        await candidate.SetInputFilesAsync("[data-testid=review-file-idCopy]", new FilePayload { Name = "id.jpg", MimeType = "image/jpeg", Buffer = ReviewTestSupport.Jpeg() });
        await candidate.SetInputFilesAsync("[data-testid=review-file-admissionTicket]", new FilePayload { Name = "ticket.png", MimeType = "image/png", Buffer = ReviewTestSupport.Png() });
        await candidate.CheckAsync("[data-testid=review-delivery-appointment]");
        await PlaywrightFixture.ScreenshotAsync(candidate, "review-apply");
        await candidate.ClickAsync("[data-testid=review-submit]");
        await candidate.WaitForSelectorAsync("[data-testid=review-receipt]");
        var caseNumber = (await candidate.TextContentAsync("[data-testid=review-case]"))!.Trim();
        Assert.Matches(@"^FH\d{4}H[12]-31-\d{6}$", caseNumber);
        Assert.NotNull(await candidate.TextContentAsync("[data-testid=review-slot-at]"));
        var requestId = int.Parse(candidate.Url.Split("/me/reviews/")[1].Split('?')[0], System.Globalization.CultureInfo.InvariantCulture);
        await PlaywrightFixture.ScreenshotAsync(candidate, "review-receipt");

        // Guangdong staff do not see it.
        var guangdong = await StaffOrExpertAsync("staff.guangdong@scoreportal.demo", "/staff");
        await guangdong.WaitForSelectorAsync("[data-testid=staff-queue]");
        Assert.Equal(0, await guangdong.Locator("[data-testid=staff-row]", new() { HasTextString = caseNumber }).CountAsync());
        await guangdong.GotoAsync($"/staff/reviews/{requestId}");
        await guangdong.WaitForSelectorAsync("[data-testid=staff-review-notfound]");

        // Shanghai staff accept the materials and upload the answer script.
        var shanghai = await StaffOrExpertAsync("staff.shanghai@scoreportal.demo", "/staff");
        await shanghai.WaitForSelectorAsync("[data-testid=nav-staff-badge]");
        await shanghai.ClickAsync($"[data-testid=staff-row]:has-text('{caseNumber}')");
        await shanghai.WaitForURLAsync($"**/staff/reviews/{requestId}");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(shanghai, "[data-testid=staff-accept]");
        await shanghai.ClickAsync("[data-testid=staff-accept]");
        await shanghai.WaitForSelectorAsync("#script-upload");
        await shanghai.SetInputFilesAsync("#script-upload", new FilePayload { Name = "script.pdf", MimeType = "application/pdf", Buffer = ReviewTestSupport.Pdf(3) });
        await shanghai.WaitForSelectorAsync("[data-testid=staff-mark]");
        await PlaywrightFixture.ScreenshotAsync(shanghai, "review-staff-remarking");

        // Three experts of other provinces record 44, 47 and 52.
        var marks = new[] { ("expert1@scoreportal.demo", "44"), ("expert2@scoreportal.demo", "47"), ("expert3@scoreportal.demo", "52") };
        foreach (var (expertEmail, mark) in marks)
        {
            var expert = await StaffOrExpertAsync(expertEmail, "/expert");
            await PlaywrightFixture.WaitForBlazorInteractiveAsync(expert, "[data-testid=expert-save]");
            Assert.DoesNotContain("李娜", await expert.ContentAsync());
            var score = expert.Locator("input[data-testid=expert-score], [data-testid=expert-score] input").First;
            await score.FillAsync(mark);
            await score.PressAsync("Tab");
            await expert.ClickAsync("[data-testid=expert-save]");
            await expert.WaitForSelectorAsync("[data-testid=expert-marked]");
            await expert.Context.CloseAsync();
        }

        // Staff confirm the median.
        await shanghai.ReloadAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(shanghai, "[data-testid=staff-confirm]");
        Assert.Contains("47", await shanghai.TextContentAsync("[data-testid=staff-median]"));
        await shanghai.ClickAsync("[data-testid=staff-confirm]");
        await shanghai.WaitForSelectorAsync("[data-testid=staff-final]");
        Assert.Contains("47", await shanghai.TextContentAsync("[data-testid=staff-final]"));
        await PlaywrightFixture.ScreenshotAsync(shanghai, "review-staff-decided");

        // The candidate: the email, the timeline, 47 on My scores; the certificate is recomputed.
        var mail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && (m.TextBody ?? "").Contains("成绩变更"), TimeSpan.FromSeconds(30));
        Assert.Contains(caseNumber, mail.TextBody);
        await candidate.GotoAsync($"/me/reviews/{requestId}");
        Assert.Contains("47", await candidate.TextContentAsync("[data-testid=review-final]"));
        await candidate.GotoAsync("/me");
        Assert.Contains(">47<", await candidate.ContentAsync());
        await using (var db = await Db())
        {
            var candidateId = await db.Candidates.Where(c => c.UserId == userId).Select(c => c.Id).SingleAsync();
            Assert.StartsWith("RK", await db.QualificationOutcomes.Where(o => o.CandidateId == candidateId && o.RevokedAt == null).Select(o => o.CertificateNumber).SingleAsync());
        }

        // The report issued before verifies as superseded.
        var employer = await browser.NewPageAsync();
        await employer.GotoAsync("/verify?code=" + Uri.EscapeDataString(report.VerificationCode));
        Assert.Equal("Superseded", await employer.GetAttributeAsync("[data-testid=verify-status]", "data-status"));
    }

    private Task<ScorePortalDbContext> Db() =>
        browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    private static async Task SignInAsync(IPage page, string email, string password, string returnUrl)
    {
        await page.GotoAsync($"/Account/Login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.Ordinal));
    }

    /// <summary>A demo staff or expert account signs in and enrolls its authenticator (the first sign-in on this portal).</summary>
    private async Task<IPage> StaffOrExpertAsync(string email, string home)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"/Account/Login?returnUrl={Uri.EscapeDataString(home)}");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", DemoPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.FillAsync("#totp-code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.ClickAsync("[data-testid=continue]");
        await page.WaitForURLAsync("**" + home);
        return page;
    }
}
