using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed partial class EmailConfirmationFlowTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task Visitor_registers_in_the_browser_and_confirms_with_the_link_from_the_mail()
    {
        var email = $"browser-{Guid.NewGuid():N}@example.org";
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Register");
        // A static-SSR form: it posts once the page has loaded; no circuit to wait for.
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);

        await page.Locator("#reg-email").FillAsync(email);
        await page.Locator("#reg-password").FillAsync("correct horse 42");
        await page.Locator("#reg-confirm").FillAsync("correct horse 42");
        await page.GetByTestId("register-accept-notice").CheckAsync();
        await page.GetByTestId("register-submit").ClickAsync();
        // Registration answers "check your email" (the same for an address that has an account) and signs nobody in.
        await page.WaitForURLAsync("**/Account/RegisterConfirmation**");
        await Assertions.Expect(page.GetByTestId("register-check-email")).ToBeVisibleAsync();

        var mail = await browser.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(10));
        Assert.Equal("请确认您的电子邮箱 - 软考成绩查询", mail.Subject);
        var link = LinkPattern().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith(browser.BaseAddress.ToString(), link); // absolute, back to the portal that sent it

        // The person opens the link in a fresh browser (their mail app), not signed in.
        var reader = await browser.NewPageAsync();
        var response = await reader.GotoAsync(link);

        Assert.Equal(200, response?.Status);
        await Assertions.Expect(reader.GetByTestId("confirm-email-result")).ToContainTextAsync("您的电子邮箱已确认");
        await PlaywrightFixture.ScreenshotAsync(reader, "email-confirmed");
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        Assert.True(user?.EmailConfirmed);
    }

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\?\S+")]
    private static partial Regex LinkPattern();
}
