using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>A candidate gives an employer access to their results, sees who looked, and takes the access back, in Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConsentFlowTests(PlaywrightFixture browser)
{
    private const string Password = "consent-flow-2026";

    [Fact]
    public async Task Candidate_grants_an_employer_access_after_the_second_verification_sees_who_looked_and_revokes()
    {
        var portal = browser.Portal;
        var enterpriseName = "浙江之江智能科技有限公司" + Guid.NewGuid().ToString("N")[..6];
        var enterpriseId = await AddEnterpriseAsync(portal, enterpriseName);
        var email = $"consent.{Guid.NewGuid():N}@example.org";
        string userId;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Candidate);
            userId = user.Id;
        }
        var candidateId = await BindAsync(portal, userId, null);
        var employeeId = "ZJ" + Random.Shared.Next(100000, 999999);

        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Login?returnUrl=%2Fme");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/me");

        // From the candidate area to the consents, empty at first, and on to a new one.
        await page.ClickAsync("[data-testid=me-consents-link]");
        await page.WaitForSelectorAsync("[data-testid=consents-empty]");
        await page.ClickAsync("[data-testid=consents-new]");
        await page.FillAsync("#consent-search", enterpriseName[..10]);
        await page.ClickAsync("[data-testid=consent-search-submit]");
        await page.ClickAsync($"[data-testid=consent-enterprise][data-id='{enterpriseId}']");

        // The statement: who, how to reach them, why, and exactly which fields.
        await Assertions.Expect(page.GetByTestId("consent-statement-name")).ToHaveTextAsync(enterpriseName);
        await Assertions.Expect(page.GetByTestId("consent-statement-purpose")).ToHaveTextAsync("核验员工的职业资格证书，用于岗位聘任");
        Assert.Equal(ConsentFields.All, await page.Locator("[data-testid=consent-fields] li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.field)"));
        await page.FillAsync("#consent-employee-id", employeeId.ToLowerInvariant());
        await page.Locator("[data-testid=consent-qualification]").First.CheckAsync();
        await page.CheckAsync("#consent-agree");
        await PlaywrightFixture.ScreenshotAsync(page, "consent-grant");
        await page.ClickAsync("[data-testid=consent-submit]");

        // The second verification, then back to the form with the choices kept; the agreement is given again.
        await page.WaitForURLAsync("**/Account/StepUp**");
        var before = browser.Mailbox.MessagesTo(email);
        await page.ClickAsync("[data-testid=stepup-send]");
        await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
        var codeMail = await browser.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && !before.Contains(m), TimeSpan.FromSeconds(30));
        await page.FillAsync("#stepup-password", Password);
        await page.FillAsync("#stepup-code", SixDigits().Match(codeMail.TextBody ?? "").Value);
        await page.ClickAsync("[data-testid=stepup-submit]");
        await page.WaitForSelectorAsync("[data-testid=consent-draft-restored]");
        await Assertions.Expect(page.Locator("#consent-employee-id")).ToHaveValueAsync(employeeId);
        await Assertions.Expect(page.Locator("[data-testid=consent-qualification]").First).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#consent-agree")).Not.ToBeCheckedAsync();
        await page.CheckAsync("#consent-agree");
        await page.ClickAsync("[data-testid=consent-submit]");

        await page.WaitForSelectorAsync("[data-testid=consents-notice]");
        var row = page.Locator("[data-testid=consent-row]", new() { HasText = enterpriseName });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Active");
        await Assertions.Expect(row.GetByTestId("consent-employee-id")).ToHaveTextAsync(employeeId);

        // The employer's call as the API logs it: the candidate sees it under "who looked".
        await using (var db = await DbAsync(portal))
        {
            var consent = db.Consents.Single(c => c.CandidateId == candidateId && c.EnterpriseId == enterpriseId);
            db.ApiAccessLog.Add(new ApiAccess
            {
                At = DateTimeOffset.UtcNow, EnterpriseId = enterpriseId, ApiKeyId = 1, EmployeeId = employeeId, ConsentId = consent.Id,
                CandidateId = candidateId, QualificationId = db.ConsentQualifications.Where(q => q.ConsentId == consent.Id).Select(q => q.QualificationId).First(),
                Outcome = "success", Fields = ConsentFields.AllText,
            });
            await db.SaveChangesAsync();
        }
        await page.ClickAsync("[data-testid=consents-access-link]");
        var access = page.Locator("[data-testid=access-row]");
        await Assertions.Expect(access).ToHaveCountAsync(1);
        await Assertions.Expect(access.GetByTestId("access-enterprise")).ToHaveTextAsync(enterpriseName);
        await Assertions.Expect(access.GetByTestId("access-outcome")).ToHaveTextAsync("已返回成绩");
        await Assertions.Expect(access.GetByTestId("access-fields")).ToContainTextAsync("证书编号");
        await PlaywrightFixture.ScreenshotAsync(page, "consent-access");

        // Revoke, after a confirmation.
        await page.GotoAsync("/me/consents");
        await row.GetByTestId("consent-revoke").ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=consent-revoke-form]");
        await page.ClickAsync("[data-testid=consent-revoke-confirm]");
        await page.WaitForSelectorAsync("[data-testid=consents-notice]");
        await Assertions.Expect(page.Locator("[data-testid=consent-row]", new() { HasText = enterpriseName })).ToHaveAttributeAsync("data-status", "Revoked");
        await PlaywrightFixture.ScreenshotAsync(page, "consent-revoked");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
