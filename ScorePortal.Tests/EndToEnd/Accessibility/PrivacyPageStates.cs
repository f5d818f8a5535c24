using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>States of the privacy pages: the acceptance refused without its tick, the closing form after the second verification.</summary>
public static partial class PrivacyPageStates
{
    public static async Task SubmitAnUntickedAcceptanceAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=privacy-accept-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>
    /// The closing form refused for a missing confirmation: the run's candidate (an a11y-candidate-… account with the demo
    /// password, PageStates.CreateAccountAsync) passes the second verification with the code mailed to it first.
    /// </summary>
    public static async Task VerifyAndSubmitAnEmptyConfirmationAsync(IPage page, PlaywrightFixture browser)
    {
        if (await page.GetByTestId("close-stepup").CountAsync() > 0)
        {
            await page.ClickAsync("[data-testid=close-stepup]");
            await page.WaitForURLAsync("**/Account/StepUp**");
            var before = browser.Mailbox.Messages;
            await page.ClickAsync("[data-testid=stepup-send]");
            await page.WaitForSelectorAsync("[data-testid=stepup-notice]");
            var mail = await browser.Mailbox.WaitForMessageAsync(
                m => !before.Contains(m) && m.To.ToString().Contains("a11y-candidate-", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            await page.FillAsync("#stepup-password", browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!);
            await page.FillAsync("#stepup-code", SixDigits().Match(mail.TextBody ?? "").Value);
            await page.ClickAsync("[data-testid=stepup-submit]");
            await page.WaitForURLAsync("**/me/close");
        }
        await page.ClickAsync("[data-testid=close-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
