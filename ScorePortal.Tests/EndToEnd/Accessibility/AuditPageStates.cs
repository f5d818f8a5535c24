using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>The states of the admin audit page for axe-core.</summary>
public static class AuditPageStates
{
    /// <summary>Filtered to an account object (its id field shown) and to an actor with no account (the notice shown).</summary>
    public static async Task FilterToAnUnknownActorAsync(IPage page, PlaywrightFixture browser)
    {
        await page.Locator("input[data-testid=audit-filter-actor], [data-testid=audit-filter-actor] input").First.FillAsync("nobody@example.org");
        await page.Locator("input[data-testid=audit-filter-actor], [data-testid=audit-filter-actor] input").First.PressAsync("Tab");
        await page.WaitForSelectorAsync("[data-testid=audit-unknown]");
    }
}
