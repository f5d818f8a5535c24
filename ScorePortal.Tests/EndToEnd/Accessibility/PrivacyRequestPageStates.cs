using Microsoft.Playwright;
using ScorePortal.Tests.EndToEnd.Enterprises;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>The states of <c>/admin/privacy-requests</c> for axe-core.</summary>
public static class PrivacyRequestPageStates
{
    /// <summary>A search by an ID number that is not one: the field shows its error.</summary>
    public static async Task SearchForABadIdNumberAsync(IPage page, PlaywrightFixture browser)
    {
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page);
        await EnterpriseAdminFlowTests.Field(page, "privacy-value").FillAsync("123");
        await page.ClickAsync("[data-testid=privacy-find-submit]");
        await page.WaitForSelectorAsync("[data-testid=privacy-find] .mud-input-error");
    }
}
