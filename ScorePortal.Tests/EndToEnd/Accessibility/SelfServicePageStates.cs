using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScorePortal.Account;
using ScorePortal.Account.Sessions;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Accessibility;

/// <summary>States of the pages of one's own account: forgotten password, new email address, sessions.</summary>
public static class SelfServicePageStates
{
    /// <summary>The answer after a reset link was asked for (an address without an account: the same answer, no mail).</summary>
    public static async Task AskForAResetLinkAsync(IPage page, PlaywrightFixture browser)
    {
        await page.FillAsync("#forgot-email", $"a11y-nobody-{Guid.NewGuid():N}@example.org");
        await page.FillAsync("#forgot-captcha", PortalFactory.CaptchaTestAnswer);
        await page.ClickAsync("[data-testid=forgot-submit]");
        await page.WaitForSelectorAsync("[data-testid=forgot-result]");
    }

    public static async Task SubmitAnEmptyResetRequestAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=forgot-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>The set-password form a reset link opens (a link made for a fresh account, as the mail carries it).</summary>
    public static async Task OpenAResetLinkAsync(IPage page, PlaywrightFixture browser)
    {
        var email = $"a11y-reset-{Guid.NewGuid():N}@example.org";
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!)).Succeeded);
        var code = scope.ServiceProvider.GetRequiredService<AccountLinks>().Create(AccountLinks.PasswordReset, user,
            scope.ServiceProvider.GetRequiredService<IOptions<SelfServiceOptions>>().Value.PasswordResetLinkLifetime);
        await page.GotoAsync($"/Account/ResetPassword?userId={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}");
        await page.WaitForSelectorAsync("[data-testid=reset-submit]");
    }

    public static async Task SubmitAWeakNewPasswordAsync(IPage page, PlaywrightFixture browser)
    {
        await OpenAResetLinkAsync(page, browser);
        await page.FillAsync("#reset-password", "short");
        await page.FillAsync("#reset-confirm", "short");
        await page.ClickAsync("[data-testid=reset-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    public static async Task SubmitAnEmptyEmailChangeAsync(IPage page, PlaywrightFixture browser)
    {
        await page.ClickAsync("[data-testid=email-change-submit]");
        await page.WaitForSelectorAsync("[data-testid=form-errors]");
    }

    /// <summary>The sessions page with a second session (a phone elsewhere) and the question before signing it out.</summary>
    public static async Task AskToSignOutAnotherSessionAsync(IPage page, PlaywrightFixture browser)
    {
        await page.GotoAsync("/Account/Manage/Email");
        var email = await page.GetByTestId("email-current").InputValueAsync();
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var user = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
            var phone = new DefaultHttpContext();
            phone.Request.Headers.UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
            phone.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("198.51.100.23");
            await browser.Portal.Services.GetRequiredService<AccountSessions>().StartAsync(user.Id, phone);
        }
        await page.GotoAsync("/Account/Manage/Sessions");
        await page.ClickAsync("[data-testid=session-end]");
        await page.WaitForSelectorAsync("[data-testid=sessions-confirm]");
    }
}
