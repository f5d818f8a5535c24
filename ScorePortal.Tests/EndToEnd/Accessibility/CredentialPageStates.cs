using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>States of the verifiable-credential pages (Features/Credentials) for the accessibility run.</summary>
public static class CredentialPageStates
{
    /// <summary>/me/credentials of a linked demo record: its certificates with their download buttons (or the empty state).</summary>
    public static async Task OpenTheCredentialsOfALinkedRecordAsync(IPage page, PlaywrightFixture browser)
    {
        await PageStates.LinkADemoRecordAsync(page, browser);
        await page.GotoAsync("/me/credentials");
        await page.WaitForSelectorAsync("[data-testid=credentials-table], [data-testid=credentials-empty]");
    }

    /// <summary>/verify/credential with a verdict shown: text that is no credential fails the first check.</summary>
    public static async Task PasteSomethingThatIsNotACredentialAsync(IPage page, PlaywrightFixture browser)
    {
        await page.FillAsync("#credential-text", "not a credential");
        await page.ClickAsync("[data-testid=verify-credential-submit]");
        await page.WaitForSelectorAsync("[data-testid=verify-credential-verdict]");
    }
}
