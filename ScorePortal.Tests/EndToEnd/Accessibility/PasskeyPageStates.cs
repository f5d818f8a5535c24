using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>States of the passkeys page (<c>/Account/Manage/Passkeys</c>).</summary>
public static class PasskeyPageStates
{
    /// <summary>The page with two passkeys listed and the question before removing one.</summary>
    public static async Task AskToRemoveAPasskeyAsync(IPage page, PlaywrightFixture browser)
    {
        await page.GotoAsync("/Account/Manage/Email");
        var email = await page.GetByTestId("email-current").InputValueAsync();
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            using var phone = new SoftwarePasskey();
            using var laptop = new SoftwarePasskey();
            await users.AddOrUpdatePasskeyAsync(user, phone.Info("My phone"));
            await users.AddOrUpdatePasskeyAsync(user, laptop.Info(null));
        }
        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.Locator("[data-testid=passkey-remove]").First.ClickAsync();
        await page.WaitForSelectorAsync("[data-testid=passkeys-confirm]");
    }
}
