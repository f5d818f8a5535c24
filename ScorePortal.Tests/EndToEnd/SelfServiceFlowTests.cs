using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// A person manages their own account in the browser: a forgotten password is reset from the mail (and the session
/// on the other device ends), "sign out everywhere else" ends another browser's session, and a new email address is
/// confirmed from the new mailbox while the old one is told.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class SelfServiceFlowTests(PlaywrightFixture browser)
{
    private const string NewPassword = "a brand new pass 7";

    [Fact]
    public async Task A_forgotten_password_is_reset_from_the_mail_and_the_other_session_ends()
    {
        var (email, password) = await CreateCandidateAsync();

        // The laptop at home is signed in.
        var laptop = await browser.NewPageAsync();
        await SignInAsync(laptop, email, password);
        await laptop.GotoAsync("/Account/Manage/Sessions");
        await Assertions.Expect(laptop.GetByTestId("session-item")).ToHaveCountAsync(1);
        await Assertions.Expect(laptop.GetByTestId("session-current")).ToBeVisibleAsync();

        // On the phone the password is forgotten: from the sign-in page to the mail.
        var phone = await browser.NewPageAsync(mobile: true);
        await phone.GotoAsync("/Account/Login");
        await phone.GetByTestId("forgot-password-link").ClickAsync();
        await phone.WaitForURLAsync("**/Account/ForgotPassword");
        await phone.Locator("#forgot-email").FillAsync(email);
        await phone.Locator("#forgot-captcha").FillAsync(PortalFactory.CaptchaTestAnswer);
        await phone.GetByTestId("forgot-submit").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("forgot-result")).ToContainTextAsync("30 分钟");

        var mail = await browser.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(15));
        Assert.Equal("重置您的密码 - 软考成绩查询", mail.Subject);
        var link = ResetLink().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith(browser.BaseAddress.ToString(), link);

        var response = await phone.GotoAsync(link);
        Assert.Equal(200, response?.Status);
        await phone.Locator("#reset-password").FillAsync(NewPassword);
        await phone.Locator("#reset-confirm").FillAsync(NewPassword);
        await phone.GetByTestId("reset-submit").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("reset-result")).ToContainTextAsync("新密码已设置");
        await PlaywrightFixture.ScreenshotAsync(phone, "password-reset-done");

        // The laptop's session has ended: its next page asks it to sign in.
        await laptop.GotoAsync("/Account/Manage/Sessions");
        await laptop.WaitForURLAsync("**/Account/Login**");

        // The link worked once.
        var again = await phone.GotoAsync(link);
        Assert.Equal(400, again?.Status);
        await Assertions.Expect(phone.GetByTestId("reset-result")).ToContainTextAsync("已使用过");

        // The new password signs in; the old one does not.
        await SignInAsync(phone, email, NewPassword);
        await phone.GotoAsync("/Account/Manage/Sessions");
        await Assertions.Expect(phone.GetByTestId("session-item")).ToHaveCountAsync(1);
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.False(await users.CheckPasswordAsync(user, password));
    }

    [Fact]
    public async Task Sign_out_everywhere_else_ends_the_other_browser_after_a_confirmation()
    {
        var (email, password) = await CreateCandidateAsync();
        var office = await browser.NewPageAsync();
        await SignInAsync(office, email, password);
        var phone = await browser.NewPageAsync(mobile: true, locale: "en-US");
        await SignInAsync(phone, email, password);

        await phone.GotoAsync("/Account/Manage/Sessions");
        await Assertions.Expect(phone.GetByTestId("session-item")).ToHaveCountAsync(2);
        await phone.GetByTestId("sessions-end-others").ClickAsync();
        // Nothing ends before the confirmation; cancelling keeps both.
        await Assertions.Expect(phone.GetByTestId("sessions-confirm")).ToBeVisibleAsync();
        await PlaywrightFixture.ScreenshotAsync(phone, "sessions-confirm-mobile");
        await phone.GetByTestId("sessions-confirm-cancel").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("session-item")).ToHaveCountAsync(2);

        await phone.GetByTestId("sessions-end-others").ClickAsync();
        await phone.GetByTestId("sessions-confirm-submit").ClickAsync();
        await Assertions.Expect(phone.GetByTestId("sessions-result")).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByTestId("session-item")).ToHaveCountAsync(1);
        await Assertions.Expect(phone.GetByTestId("sessions-only-this")).ToBeVisibleAsync();

        await office.GotoAsync("/me");
        await office.WaitForURLAsync("**/Account/Login**");
    }

    [Fact]
    public async Task A_new_email_address_is_confirmed_from_the_new_mailbox_and_the_old_one_is_told()
    {
        var (email, password) = await CreateCandidateAsync();
        var newEmail = $"moved-{Guid.NewGuid():N}@example.net";
        var page = await browser.NewPageAsync();
        await SignInAsync(page, email, password);

        await page.GotoAsync("/Account/Manage/Email");
        await page.Locator("#email-new").FillAsync(newEmail);
        await page.Locator("#email-password").FillAsync(password);
        await page.GetByTestId("email-change-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("email-change-sent")).ToContainTextAsync(newEmail);

        var mail = await browser.Mailbox.WaitForMessageToAsync(newEmail, TimeSpan.FromSeconds(15));
        var link = ChangeLink().Match(mail.TextBody ?? "").Value;
        Assert.DoesNotContain(newEmail, link, StringComparison.OrdinalIgnoreCase); // the address travels encrypted
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByTestId("email-change-result")).ToContainTextAsync("电子邮箱已更改");

        var notice = await browser.Mailbox.WaitForMessageToAsync(email, TimeSpan.FromSeconds(15));
        Assert.Equal("您的账号邮箱已更改", notice.Subject);
        Assert.Contains("m***@example.net", notice.TextBody);

        // This browser stays signed in, under the new address; the address is the account's sign-in name from now on.
        await page.GotoAsync("/Account/Manage/Email");
        await Assertions.Expect(page.GetByTestId("email-current")).ToHaveValueAsync(newEmail);
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync(email));
        var moved = (await users.FindByEmailAsync(newEmail))!;
        Assert.Equal(newEmail, moved.UserName);
        Assert.True(moved.EmailConfirmed);
    }

    private async Task<(string Email, string Password)> CreateCandidateAsync()
    {
        var email = $"self-{Guid.NewGuid():N}@example.org";
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
        return (email, password);
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login?returnUrl=%2Fme");
        await page.Locator("#login-email").FillAsync(email);
        await page.Locator("#login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync("**/me");
    }

    [GeneratedRegex(@"https?://\S+/Account/ResetPassword\?\S+")]
    private static partial Regex ResetLink();

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmailChange\?\S+")]
    private static partial Regex ChangeLink();
}
