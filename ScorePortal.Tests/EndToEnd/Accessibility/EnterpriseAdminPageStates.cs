using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Account;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Admin;
using ScorePortal.Security;
using ScorePortal.Tests.EndToEnd.Enterprises;
using ScorePortal.Tests.Features.Enterprises.Admin;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>The states of the enterprise admin pages, the invitation page and the enterprise area for axe-core.</summary>
public static class EnterpriseAdminPageStates
{
    private const string AdminId = "a11y-admin";

    private static async Task<T> RunAsync<T, TCase>(PlaywrightFixture browser, Func<TCase, Task<T>> action) where TCase : notnull
    {
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    /// <summary>An enterprise with a key and a pending invitation (a row in each list).</summary>
    private static async Task<int> EnterpriseAsync(PlaywrightFixture browser)
    {
        var registered = await RunAsync<EditResult, RegisterEnterprise>(browser,
            h => h.HandleAsync(new RegisterEnterpriseRequest(EnterpriseTestSupport.Details(), AdminId)));
        var id = registered.Id!.Value;
        Assert.True((await RunAsync<IssuedKey, IssueApiKey>(browser, h => h.HandleAsync(new IssueApiKeyRequest(id, "HR system", 60, 5000, AdminId)))).Succeeded);
        Assert.True((await RunAsync<InviteOutcome, InviteEnterpriseMember>(browser, h => h.HandleAsync(new InviteEnterpriseMemberRequest(id,
            $"a11y-member-{Guid.NewGuid():N}@example.org", "张三", "zh-CN", AdminId, browser.BaseAddress)))).Succeeded);
        return id;
    }

    /// <summary>Two keys of the enterprise (one rotated out) and calls over the last days, for its home page.</summary>
    public static async Task AddKeysAndCallsAsync(PlaywrightFixture browser, int enterpriseId)
    {
        var hr = await RunAsync<IssuedKey, IssueApiKey>(browser, h => h.HandleAsync(new IssueApiKeyRequest(enterpriseId, "HR system", 60, 5000, AdminId)));
        Assert.True((await RunAsync<IssuedKey, RotateApiKey>(browser, h => h.HandleAsync(new RotateApiKeyRequest(enterpriseId, hr.Result.Id!.Value, 7, AdminId)))).Succeeded);
        var now = DateTimeOffset.UtcNow;
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var outcomes = new[] { "success", "success", "success", "no_consent", "rate_limited" };
        for (var i = 0; i < 20; i++)
            db.ApiAccessLog.Add(new ApiAccess { EnterpriseId = enterpriseId, ApiKeyId = hr.Result.Id!.Value, At = now.AddHours(-7 * i), Outcome = outcomes[i % outcomes.Length] });
        await db.SaveChangesAsync();
    }

    private static async Task GoToEnterpriseAsync(IPage page, PlaywrightFixture browser)
    {
        var id = await EnterpriseAsync(browser);
        await page.GotoAsync($"/admin/enterprises/{id}");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.WaitForSelectorAsync("[data-testid=keys-table] tbody tr");
    }

    public static async Task SubmitAnEmptyRegistrationAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=enterprise-register-open]");
        await page.ClickAsync("[data-testid=enterprise-register-save]");
        await page.WaitForSelectorAsync("[data-testid=enterprise-register-form] .mud-input-error");
    }

    public static async Task SearchEnterprisesForNothingAsync(IPage page, PlaywrightFixture browser)
    {
        await EnterpriseAdminFlowTests.Field(page, "enterprises-search").FillAsync("没有这个企业-ZZZ");
        await page.WaitForSelectorAsync("[data-testid=enterprises-empty]");
    }

    public static Task OpenAnEnterpriseAsync(IPage page, PlaywrightFixture browser) => GoToEnterpriseAsync(page, browser);

    /// <summary>A new key on screen, the one time it is shown.</summary>
    public static async Task IssueAKeyAsync(IPage page, PlaywrightFixture browser)
    {
        await GoToEnterpriseAsync(page, browser);
        await page.ClickAsync("[data-testid=key-issue-open]");
        await EnterpriseAdminFlowTests.Field(page, "key-label").FillAsync("Payroll");
        await EnterpriseAdminFlowTests.Field(page, "key-label").PressAsync("Tab");
        await page.ClickAsync("[data-testid=key-issue-save]");
        await page.WaitForSelectorAsync("[data-testid=key-shown-once]");
    }

    /// <summary>An allow-list with a bad line, refused with the line named.</summary>
    public static async Task SaveABadAllowListAsync(IPage page, PlaywrightFixture browser)
    {
        await GoToEnterpriseAsync(page, browser);
        var field = EnterpriseAdminFlowTests.Field(page, "enterprise-networks-input");
        await field.FillAsync("203.0.113.0/24\nbogus");
        await field.PressAsync("Tab"); // the field commits its value on leaving it
        await page.ClickAsync("[data-testid=enterprise-networks-save]");
        await page.WaitForSelectorAsync("[data-testid=enterprise-networks] .mud-input-error");
    }

    /// <summary>The confirmation before a key is revoked (left open: nothing is revoked).</summary>
    public static async Task OpenTheRevocationOfAKeyAsync(IPage page, PlaywrightFixture browser)
    {
        await GoToEnterpriseAsync(page, browser);
        await page.ClickAsync("[data-testid=key-revoke]");
        await page.WaitForSelectorAsync(".mud-dialog");
    }

    public static async Task OpenTheInvitationFormAsync(IPage page, PlaywrightFixture browser)
    {
        await GoToEnterpriseAsync(page, browser);
        await page.ClickAsync("[data-testid=member-invite-open]");
        await page.WaitForSelectorAsync("[data-testid=member-invite-form]");
    }

    /// <summary>The set-password form an invitation's link opens, in the language of the page's context.</summary>
    public static async Task OpenAnInvitationAsync(IPage page, PlaywrightFixture browser)
    {
        var culture = await page.Locator("html").GetAttributeAsync("lang") ?? "zh-CN";
        var email = $"a11y-invited-{Guid.NewGuid():N}@example.org";
        Assert.True((await RunAsync<InviteOutcome, InviteUser>(browser, h => h.HandleAsync(
            new InviteUserRequest(email, null, [Roles.Staff], culture, "/staff", AdminId, browser.BaseAddress)))).Succeeded);
        var mail = await browser.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(15));
        await page.GotoAsync(EnterpriseTestSupport.InviteLink(mail).AbsoluteUri);
        await page.WaitForSelectorAsync("[data-testid=accept-invite-submit]");
    }

    public static async Task AcceptAnInvitationWithAWeakPasswordAsync(IPage page, PlaywrightFixture browser)
    {
        await OpenAnInvitationAsync(page, browser);
        await page.FillAsync("#invite-password", "short");
        await page.FillAsync("#invite-confirm", "short");
        await page.ClickAsync("[data-testid=accept-invite-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }
}
