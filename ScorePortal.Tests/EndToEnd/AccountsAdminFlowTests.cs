using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.EndToEnd.Enterprises;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// In Chromium, <c>/admin/accounts</c>: an admin creates a staff account with a fresh authenticator code, the invitation
/// arrives at the test SMTP listener, its link sets a password and the person must enroll an authenticator before the
/// staff area opens; and the open admin page of an admin whom another admin disables stops working.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccountsAdminFlowTests(PlaywrightFixture browser)
{
    private const string StaffPassword = "Staff password 2026";

    [Fact]
    public async Task Admin_creates_a_staff_account_whose_holder_sets_a_password_from_the_mail_and_must_enroll_before_the_staff_area()
    {
        var staffEmail = $"staff-{Guid.NewGuid():N}@example.org";
        var admin = await browser.NewPageAsync();
        var (_, secret) = await SignInAsNewAdminAsync(admin, "/admin/accounts");

        await PlaywrightFixture.WaitForBlazorInteractiveAsync(admin, "[data-interactive=true]");
        await Assertions.Expect(admin.GetByTestId("accounts-title")).ToHaveTextAsync("账号管理");
        await admin.GetByTestId("account-create-open").ClickAsync();
        await EnterpriseAdminFlowTests.Field(admin, "account-email").FillAsync(staffEmail);
        await EnterpriseAdminFlowTests.Field(admin, "account-name").FillAsync("李明");
        await admin.GetByTestId("account-province").ClickAsync();
        await admin.GetByRole(AriaRole.Option, new() { Name = "31 上海" }).ClickAsync();
        await PlaywrightFixture.ScreenshotAsync(admin, "accounts-create");
        await admin.GetByTestId("account-create-save").ClickAsync();

        // The change waits for the admin's current code, and says what it will do.
        await Assertions.Expect(admin.GetByTestId("code-confirm-text")).ToContainTextAsync(staffEmail);
        await EnterpriseAdminFlowTests.Field(admin, "admin-code").FillAsync("000000");
        await admin.GetByTestId("code-confirm-submit").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("code-confirm")).ToContainTextAsync("验证码不正确或已使用过");
        await EnterpriseAdminFlowTests.Field(admin, "admin-code").FillAsync(NextCode(secret));
        await admin.GetByTestId("code-confirm-submit").ClickAsync();

        await admin.WaitForURLAsync(new Regex(@"/admin/accounts/[0-9a-f-]{36}$"));
        await Assertions.Expect(admin.GetByTestId("account-title")).ToHaveTextAsync(staffEmail);
        await Assertions.Expect(admin.GetByTestId("account-status")).ToContainTextAsync("已邀请，尚未设置密码");
        await Assertions.Expect(admin.GetByTestId("account-current-roles")).ToHaveTextAsync("考试中心工作人员");

        var mail = await browser.Mailbox.WaitForMessageToAsync(staffEmail, TimeSpan.FromSeconds(15));
        var link = InviteLink().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith(browser.BaseAddress.ToString(), link);

        var staff = await browser.NewPageAsync(mobile: true);
        await staff.GotoAsync(link);
        await staff.Locator("#invite-password").FillAsync(StaffPassword);
        await staff.Locator("#invite-confirm").FillAsync(StaffPassword);
        await staff.GetByTestId("accept-invite-submit").ClickAsync();
        // Enrollment comes first: the staff area stays closed until an authenticator is set up.
        await staff.WaitForSelectorAsync("[data-testid=totp-secret]");
        await staff.GotoAsync("/staff");
        await Assertions.Expect(staff.GetByTestId("enroll-title")).ToBeVisibleAsync();
        var staffSecret = (await staff.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await staff.Locator("#totp-code").FillAsync(new Totp(Base32Encoding.ToBytes(staffSecret)).ComputeTotp(DateTime.UtcNow));
        await staff.GetByTestId("totp-submit").ClickAsync();
        await staff.GetByTestId("continue").ClickAsync();
        await staff.WaitForURLAsync("**/staff");

        await using var scope = browser.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(staffEmail))!;
        Assert.Equal(("31", "李明", true), (user.ProvinceCode, user.DisplayName, user.TwoFactorEnabled));
        Assert.Equal([Roles.Staff], await users.GetRolesAsync(user));
    }

    [Fact]
    public async Task The_open_admin_page_of_an_admin_whom_another_admin_disables_stops_working()
    {
        var first = await browser.NewPageAsync();
        var (_, secret) = await SignInAsNewAdminAsync(first, "/admin/accounts");
        var second = await browser.NewPageAsync();
        var (secondId, _) = await SignInAsNewAdminAsync(second, "/admin/accounts");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(second, "[data-interactive=true]");
        await Assertions.Expect(second.GetByTestId("accounts-title")).ToBeVisibleAsync();

        await first.GotoAsync($"/admin/accounts/{secondId}");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(first, "[data-interactive=true]");
        await first.GetByTestId("account-disable").ClickAsync();
        await EnterpriseAdminFlowTests.Field(first, "admin-code").FillAsync(NextCode(secret));
        await first.GetByTestId("code-confirm-submit").ClickAsync();
        await Assertions.Expect(first.GetByTestId("account-status")).ToContainTextAsync("已停用");

        // The second admin's page, open all along, loses its sign-in and is sent to the sign-in form.
        await second.WaitForURLAsync(new Regex("/Account/Login"), new() { Timeout = 15_000 });
        await Assertions.Expect(second.Locator("#login-email")).ToBeVisibleAsync();
    }

    /// <summary>The code of the next time step: the step used at enrollment is accepted once only.</summary>
    private static string NextCode(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30));

    /// <summary>A fresh admin (the demo admins are other tests'), enrolled through the page; its id and authenticator secret.</summary>
    private async Task<(string Id, string Secret)> SignInAsNewAdminAsync(IPage page, string returnUrl)
    {
        var email = $"e2e-admin-{Guid.NewGuid():N}@example.org";
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        string id;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
            id = user.Id;
        }
        await page.GotoAsync("/Account/Login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.FillAsync("#totp-code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.ClickAsync("[data-testid=continue]");
        await page.WaitForURLAsync("**" + returnUrl);
        return (id, secret);
    }

    [GeneratedRegex(@"https?://\S+/Account/AcceptInvite\?\S+")]
    private static partial Regex InviteLink();
}
