using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Enterprises.Consents.ConsentTestSupport;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>
/// A candidate gives an employer access to their results, the employer's system calls the API, the candidate sees who
/// looked and takes the access back, and the next call is refused: in Chromium, with the API over real HTTP.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ConsentFlowTests(PlaywrightFixture browser)
{
    private const string Password = "consent-flow-2026";

    [Fact]
    public async Task Candidate_grants_an_employer_access_after_the_second_verification_sees_its_call_and_revokes_and_the_next_call_gets_no_consent()
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
        var (candidateId, qualification) = await BindWithReleasedResultAsync(portal, userId);
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
        await page.CheckAsync($"#consent-q-{qualification.Id}");
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
        await Assertions.Expect(page.Locator($"#consent-q-{qualification.Id}")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#consent-agree")).Not.ToBeCheckedAsync();
        await page.CheckAsync("#consent-agree");
        await page.ClickAsync("[data-testid=consent-submit]");

        await page.WaitForSelectorAsync("[data-testid=consents-notice]");
        var row = page.Locator("[data-testid=consent-row]", new() { HasText = enterpriseName });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Active");
        await Assertions.Expect(row.GetByTestId("consent-employee-id")).ToHaveTextAsync(employeeId);

        // The employer's HR system calls the API with its key: the answer is the results, and the candidate sees the call
        // under "who looked".
        string key;
        await using (var db = await DbAsync(portal))
        {
            var (secret, prefix, hash) = ApiKeySecrets.NewKey();
            db.ApiKeys.Add(new ApiKey
            {
                EnterpriseId = enterpriseId, Label = "HR", Prefix = prefix, Hash = hash, RateLimitPerMinute = 60, DailyQuota = 1000,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            key = secret;
        }
        using var hr = new HttpClient { BaseAddress = browser.BaseAddress };
        var first = await CallAsync(hr, key, employeeId, qualification.Code);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("success", first.Body.GetProperty("status").GetString());

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

        // The next call is refused at once, and that call is listed too.
        var second = await CallAsync(hr, key, employeeId, qualification.Code);
        Assert.Equal(HttpStatusCode.Forbidden, second.Status);
        Assert.Equal("no_consent", second.Body.GetProperty("code").GetString());
        Assert.False(second.Body.TryGetProperty("data", out _));
        await page.ClickAsync("[data-testid=consents-access-link]");
        await Assertions.Expect(access).ToHaveCountAsync(2);
        await Assertions.Expect(access.First.GetByTestId("access-outcome")).ToHaveTextAsync("已拒绝：授权已撤回或不含该资格");
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpClient client, string key, string employeeId, string examType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/exam/result")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["employee_id"] = employeeId, ["exam_type"] = examType }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>
    /// Binds the account to a free demo record with released results, and names one qualification of them: the API's
    /// answer is then the results, not "no result".
    /// </summary>
    private static async Task<(int CandidateId, (int Id, string Code) Qualification)> BindWithReleasedResultAsync(PortalFactory portal, string userId)
    {
        await using var db = await DbAsync(portal);
        var now = DateTimeOffset.UtcNow;
        var released = (await db.ExamSessions.AsNoTracking().ToListAsync()).Where(s => s.IsReleased(now)).Select(s => s.Id).ToList();
        var choices = await db.SubjectScores.AsNoTracking()
            .Where(s => s.ResultBatch.Status == ResultBatchStatus.Published && released.Contains(s.Registration.ExamSessionId)
                && s.Registration.Candidate.UserId == null)
            .OrderByDescending(s => s.Registration.CandidateId)
            .Select(s => new { s.Registration.CandidateId, s.Registration.QualificationId, s.Registration.Qualification.Code })
            .Take(200).ToListAsync();
        foreach (var choice in choices.DistinctBy(c => c.CandidateId))
        {
            if (await db.Candidates.Where(c => c.Id == choice.CandidateId && c.UserId == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, now)) == 1)
                return (choice.CandidateId, (choice.QualificationId, choice.Code));
        }
        throw new InvalidOperationException("No free demo record with released results left.");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
