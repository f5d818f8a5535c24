using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>A verifiable credential as a candidate and an employer meet it, in Chromium (Features/Credentials).</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CredentialBrowserTests(PlaywrightFixture browser)
{
    private const string Password = "credential-flow-2026";

    [Fact]
    public async Task Candidate_downloads_a_credential_an_employer_checks_it_and_sees_it_revoked_after_the_holder_revokes_it()
    {
        var (candidateId, idNumber, name, ticket, certificate) = await UnlinkedCertifiedCandidateAsync();
        var email = $"credential.{Guid.NewGuid():N}@example.org";
        try
        {
            await using (var scope = browser.Portal.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
                Assert.True((await users.CreateAsync(user, Password)).Succeeded);
                await users.AddToRoleAsync(user, Roles.Candidate);
            }
            var page = await browser.NewPageAsync();
            await page.GotoAsync("/Account/Login");
            await page.FillAsync("#login-email", email);
            await page.FillAsync("#login-password", Password);
            await page.ClickAsync("[data-testid=login-submit]");
            await page.WaitForURLAsync(browser.BaseAddress.ToString());

            await page.GotoAsync("/me/link");
            await page.SelectOptionAsync("#link-idtype", "ResidentId");
            await page.FillAsync("#link-id", idNumber);
            await page.FillAsync("#link-name", name);
            await page.FillAsync("#link-ticket", ticket);
            await page.FillAsync("#link-captcha", PortalFactory.CaptchaTestAnswer);
            await page.ClickAsync("[data-testid=link-submit]");
            await page.WaitForSelectorAsync("[data-testid=result-sheet]");

            // From /me to the credentials; the first download asks for the second verification.
            await page.ClickAsync("[data-testid=me-credentials-link]");
            await page.WaitForURLAsync("**/me/credentials");
            var row = page.Locator($"[data-testid=credential-row][data-certificate='{certificate}']");
            await row.Locator("[data-testid=credential-download]").ClickAsync();
            await page.WaitForURLAsync("**/Account/StepUp**");
            var before = browser.Mailbox.MessagesTo(email);
            await page.ClickAsync("[data-testid=stepup-send]");
            await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
            var codeMail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
            await page.FillAsync("#stepup-password", Password);
            await page.FillAsync("#stepup-code", SixDigits().Match(codeMail.TextBody ?? "").Value);
            await page.ClickAsync("[data-testid=stepup-submit]");
            await page.WaitForURLAsync("**/me/credentials");

            var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=credential-download]").ClickAsync());
            Assert.Equal($"credential-{certificate}.jwt", download.SuggestedFilename);
            var credential = await File.ReadAllTextAsync(await download.PathAsync());
            Assert.StartsWith("eyJ", credential);

            // An employer, in English, uploads the file.
            var employer = await browser.NewPageAsync(locale: "en-US");
            await employer.GotoAsync("/culture/en-US?returnUrl=%2Fverify");
            await employer.ClickAsync("[data-testid=verify-credential-link]");
            await employer.WaitForURLAsync("**/verify/credential");
            await employer.SetInputFilesAsync("#credential-file", await download.PathAsync());
            await employer.ClickAsync("[data-testid=verify-credential-submit]");
            Assert.Equal("Valid", await employer.GetAttributeAsync("[data-testid=verify-credential-verdict]", "data-check"));
            Assert.Equal(CandidateIdentity.MaskName(name), await employer.TextContentAsync("[data-testid=verify-credential-name]"));
            Assert.Equal(certificate, await employer.TextContentAsync("[data-testid=verify-credential-certificate]"));
            await PlaywrightFixture.ScreenshotAsync(employer, "verify-credential-valid");

            // The holder revokes it (after a confirmation); the employer's next check says revoked.
            await page.ReloadAsync();
            await row.Locator("[data-testid=credential-revoke]").ClickAsync();
            await page.ClickAsync("[data-testid=credential-revoke-confirm]");
            await page.WaitForSelectorAsync("[data-testid=credentials-notice]");
            await employer.GotoAsync("/verify/credential");
            await employer.FillAsync("#credential-text", credential);
            await employer.ClickAsync("[data-testid=verify-credential-submit]");
            Assert.Equal("Revocation", await employer.GetAttributeAsync("[data-testid=verify-credential-verdict]", "data-check"));
            Assert.Contains("Revoked", await employer.TextContentAsync("[data-testid=verify-credential-verdict]"));
        }
        finally
        {
            // The browser tests share one portal: the record is free again and its credentials gone.
            await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
            await db.IssuedCredentials.Where(c => c.CandidateId == candidateId).ExecuteDeleteAsync();
            await db.Candidates.Where(c => c.Id == candidateId).ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, (string?)null));
            await db.AccountSessions.Where(s => s.UserId == db.Users.Where(u => u.Email == email).Select(u => u.Id).First()).ExecuteDeleteAsync();
        }
    }

    /// <summary>
    /// A demo candidate with a live certificate, no account and no email on the record (linking asks no code), taken
    /// from the end of the list so tests that link named demo candidates keep theirs.
    /// </summary>
    private async Task<(int CandidateId, string IdNumber, string Name, string Ticket, string Certificate)> UnlinkedCertifiedCandidateAsync()
    {
        await using var db = await browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        var certificates = await db.QualificationOutcomes.AsNoTracking()
            .Where(o => o.RevokedAt == null && o.Candidate.UserId == null && o.Candidate.IdType == IdType.ResidentId && o.PassedInSession.PublishedAt != null)
            .OrderByDescending(o => o.CandidateId)
            .Select(o => new { o.CandidateId, o.CertificateNumber, o.PassedInSession.ReleaseAt })
            .ToListAsync();
        foreach (var certificate in certificates.Where(c => c.ReleaseAt <= now))
        {
            var candidate = await db.Candidates.AsNoTracking().SingleAsync(c => c.Id == certificate.CandidateId);
            if (candidate.Email is not null) continue;
            var ticket = await db.Registrations.Where(r => r.CandidateId == candidate.Id).OrderBy(r => r.Id).Select(r => r.TicketNumber).FirstAsync();
            return (candidate.Id, candidate.IdNumber, candidate.Name, ticket, certificate.CertificateNumber);
        }
        throw new InvalidOperationException("The demo data holds no unlinked certified candidate without an email.");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
