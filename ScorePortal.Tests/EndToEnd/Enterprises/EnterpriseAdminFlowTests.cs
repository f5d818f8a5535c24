using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Enterprises.Admin;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Enterprises;

/// <summary>
/// In Chromium: an admin registers an enterprise, issues a key (seen once), and invites a person; the person opens the
/// emailed link, sets a password, enrolls an authenticator and lands on the enterprise's page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EnterpriseAdminFlowTests(PlaywrightFixture browser)
{
    private const string MemberPassword = "Member password 2026";

    /// <summary>A MudBlazor field by its test id, wherever the component put the attribute (the input or its wrapper).</summary>
    internal static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    [Fact]
    public async Task Admin_registers_an_enterprise_issues_a_key_once_and_invites_a_member_who_enrolls_and_sees_the_enterprise()
    {
        var name = $"星河数据科技有限公司 {Guid.NewGuid().ToString("N")[..6]}";
        var code = EnterpriseTestSupport.NewCreditCode();
        var memberEmail = $"hr-{Guid.NewGuid():N}@example.org";

        var admin = await browser.NewPageAsync();
        await SignInAsAdminAsync(admin);

        // The list, then the registration form: a wrong check character is refused under its field first.
        await admin.GotoAsync("/admin/enterprises");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(admin, "[data-interactive=true]");
        await admin.GetByTestId("enterprise-register-open").ClickAsync();
        await Field(admin, "enterprise-name").FillAsync(name);
        await Field(admin, "enterprise-credit-code").FillAsync(code[..17] + (code[17] == '0' ? '1' : '0'));
        await Field(admin, "enterprise-contact-name").FillAsync("周经理");
        await Field(admin, "enterprise-contact-email").FillAsync("hr@xinghe.example.com");
        await Field(admin, "enterprise-purpose").FillAsync("核验新入职员工的软考证书");
        await Field(admin, "enterprise-purpose").PressAsync("Tab"); // MudBlazor fields commit their value on leaving them
        await admin.GetByTestId("enterprise-register-save").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("enterprise-register-form")).ToContainTextAsync("统一社会信用代码的校验位不正确");
        await Field(admin, "enterprise-credit-code").FillAsync(code);
        await Field(admin, "enterprise-credit-code").PressAsync("Tab");
        await admin.GetByTestId("enterprise-register-save").ClickAsync();

        await admin.WaitForURLAsync(new Regex(@"/admin/enterprises/\d+$"));
        await Assertions.Expect(admin.GetByTestId("enterprise-title")).ToHaveTextAsync(name);
        await Assertions.Expect(admin.GetByTestId("enterprise-webhooks-link")).ToHaveAttributeAsync("href", new Regex(@"/admin/enterprises/\d+/webhooks$"));
        var enterpriseId = int.Parse(admin.Url[(admin.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

        // A key, shown once.
        await admin.GetByTestId("key-issue-open").ClickAsync();
        await Field(admin, "key-label").FillAsync("人事系统");
        await Field(admin, "key-label").PressAsync("Tab");
        await admin.GetByTestId("key-issue-save").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("key-shown-once")).ToBeVisibleAsync();
        var key = await admin.Locator("#new-api-key").InputValueAsync();
        Assert.True(ApiKeySecrets.LooksLikeKey(key), key);
        await PlaywrightFixture.ScreenshotAsync(admin, "enterprise-key-shown-once");
        await using (var db = await Db().CreateDbContextAsync())
        {
            var stored = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.EnterpriseId == enterpriseId);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), stored.Hash);
            Assert.Equal(key[..ApiKeySecrets.PrefixLength], stored.Prefix);
        }
        await admin.GetByTestId("key-done").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("key-shown-once")).ToHaveCountAsync(0);
        Assert.DoesNotContain(key, await admin.ContentAsync());
        await Assertions.Expect(admin.GetByTestId("keys-table")).ToContainTextAsync(key[..ApiKeySecrets.PrefixLength]);
        await admin.ReloadAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(admin, "[data-interactive=true]");
        await Assertions.Expect(admin.GetByTestId("keys-table")).ToContainTextAsync("人事系统");
        Assert.DoesNotContain(key, await admin.ContentAsync());

        // A person of the enterprise, invited by email.
        await admin.GetByTestId("member-invite-open").ClickAsync();
        await Field(admin, "member-email").FillAsync(memberEmail);
        await Field(admin, "member-name").FillAsync("周小红");
        await Field(admin, "member-name").PressAsync("Tab");
        await admin.GetByTestId("member-invite-save").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("members-table")).ToContainTextAsync(memberEmail);
        await Assertions.Expect(admin.GetByTestId("member-status")).ToHaveTextAsync("已邀请，尚未接受");

        var mail = await browser.Mailbox.WaitForMessageToAsync(memberEmail, TimeSpan.FromSeconds(15));
        Assert.Equal("邀请您使用 软考成绩查询", mail.Subject);
        var link = InviteLink().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith(browser.BaseAddress.ToString(), link);

        // The person opens the link in their own browser, chooses a password, and is sent to enroll.
        var member = await browser.NewPageAsync(mobile: true);
        await member.GotoAsync(link);
        await member.Locator("#invite-password").FillAsync(MemberPassword);
        await member.Locator("#invite-confirm").FillAsync(MemberPassword);
        await PlaywrightFixture.ScreenshotAsync(member, "enterprise-accept-invite-mobile");
        await member.GetByTestId("accept-invite-submit").ClickAsync();
        await member.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await member.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await member.Locator("#totp-code").FillAsync(new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await member.GetByTestId("totp-submit").ClickAsync();
        await Assertions.Expect(member.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
        await member.GetByTestId("continue").ClickAsync();

        await member.WaitForURLAsync("**/enterprise");
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(member, "[data-interactive=true]");
        await Assertions.Expect(member.GetByTestId("enterprise-home-title")).ToHaveTextAsync(name);
        await Assertions.Expect(member.GetByTestId("enterprise-home-key")).ToContainTextAsync("人事系统");
        await Assertions.Expect(member.GetByTestId("nav-enterprise")).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await member.ContentAsync());
        await PlaywrightFixture.ScreenshotAsync(member, "enterprise-home-mobile");

        // The admin's list now shows the person as active.
        await admin.ReloadAsync();
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(admin, "[data-interactive=true]");
        await Assertions.Expect(admin.GetByTestId("member-status")).ToHaveTextAsync("已启用");
    }

    private IDbContextFactory<ScorePortalDbContext> Db() => browser.Portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();

    /// <summary>A fresh admin (the demo admins are other tests'), enrolled through the page like a person would.</summary>
    private async Task SignInAsAdminAsync(IPage page)
    {
        var email = $"e2e-admin-{Guid.NewGuid():N}@example.org";
        var password = browser.Portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!;
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
        }
        await page.GotoAsync("/Account/Login?returnUrl=%2Fadmin%2Fenterprises");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-testid=totp-secret]");
        var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "").ToUpperInvariant();
        await page.FillAsync("#totp-code", new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.ClickAsync("[data-testid=continue]");
        await page.WaitForURLAsync("**/admin/enterprises");
    }

    [GeneratedRegex(@"https?://\S+/Account/AcceptInvite\?\S+")]
    private static partial Regex InviteLink();
}
