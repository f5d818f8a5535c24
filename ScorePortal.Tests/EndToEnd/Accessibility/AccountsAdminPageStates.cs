using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Tests.EndToEnd.Enterprises;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>The states of <c>/admin/accounts</c> and an account's page for axe-core.</summary>
public static class AccountsAdminPageStates
{
    /// <summary>A pending admin grant for a new account, so the approvals table has a row (asked by another admin).</summary>
    public static async Task ListAPendingGrantAsync(IPage page, PlaywrightFixture browser)
    {
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var requester = (await users.FindByEmailAsync("admin2@scoreportal.demo"))!;
            var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
            db.AdminGrants.Add(new AdminGrant
            {
                Email = $"a11y-admin-{Guid.NewGuid():N}@example.org", Culture = "zh-CN", RequestedBy = requester.Id, RequestedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        await page.ReloadAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.WaitForSelectorAsync("[data-testid=grants-table] [data-testid=grant-approve]");
    }

    public static async Task SearchAccountsForNothingAsync(IPage page, PlaywrightFixture browser)
    {
        await EnterpriseAdminFlowTests.Field(page, "accounts-search").FillAsync("nobody-zzz@example.invalid");
        await page.WaitForSelectorAsync("[data-testid=accounts-empty]");
    }

    /// <summary>The creation form filled in, waiting for the admin's authenticator code.</summary>
    public static async Task AskForTheCodeOfACreationAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=account-create-open]");
        await EnterpriseAdminFlowTests.Field(page, "account-email").FillAsync($"a11y-staff-{Guid.NewGuid():N}@example.org");
        await page.ClickAsync("[data-testid=account-create-save]");
        await page.WaitForSelectorAsync("[data-testid=code-confirm]");
    }

    /// <summary>The page of a demo staff account: its roles, province and the access actions.</summary>
    public static async Task OpenAStaffAccountAsync(IPage page, PlaywrightFixture browser)
    {
        string id;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
            id = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("staff.beijing@scoreportal.demo"))!.Id;
        await page.GotoAsync($"/admin/accounts/{id}");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page, "[data-interactive=true]");
        await page.WaitForSelectorAsync("[data-testid=account-roles]");
    }
}
