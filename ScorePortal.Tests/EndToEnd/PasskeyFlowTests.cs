using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

/// <summary>
/// Passkeys in Chromium with a virtual WebAuthn authenticator (DevTools protocol: a platform authenticator that holds
/// discoverable credentials and verifies its user), on <c>localhost</c>: a relying-party id cannot be an IP address.
/// </summary>
[Collection(LocalhostBrowserCollection.Name)]
public sealed class PasskeyFlowTests(LocalhostPlaywrightFixture browser)
{
    private const string Password = "correct horse battery 1";

    [Fact]
    public async Task A_candidate_adds_renames_signs_in_with_and_removes_a_passkey_in_Chinese()
    {
        var email = await AccountAsync(Roles.Candidate);
        var page = await browser.NewPageAsync(locale: "zh-CN");
        var errors = WatchConsole(page);
        await AddVirtualAuthenticatorAsync(page);

        // Signed in with the authenticator, so adding a passkey needs no further verification.
        await SignInWithPasswordAndCodeAsync(page, email, "zh-CN", "/Account/Manage/Passkeys");
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();
        await page.GetByLabel("新通行密钥的名称（可选）").FillAsync("我的电脑");
        await page.GetByTestId("passkey-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-result")).ToContainTextAsync("已添加通行密钥“我的电脑”");
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("我的电脑");

        await page.GetByLabel("通行密钥名称").FillAsync("办公电脑");
        await page.GetByTestId("passkey-rename").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-result")).ToContainTextAsync("名称已改为“办公电脑”");
        await PlaywrightFixture.ScreenshotAsync(page, "passkeys-zh");

        await SignOutAsync(page);
        await page.GotoAsync("/Account/Login?returnUrl=%2FAccount%2FManage%2FPasskeys");
        await page.GetByTestId("passkey-signin").ClickAsync();
        await page.WaitForURLAsync("**/Account/Manage/Passkeys");
        await Assertions.Expect(page.GetByTestId("passkey-name")).ToHaveTextAsync("办公电脑");
        // Signed in by the passkey alone, the session is multi-factor: adding another needs no verification either.
        await Assertions.Expect(page.GetByTestId("passkey-add")).ToBeVisibleAsync();

        await page.GetByTestId("passkey-remove").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-confirm")).ToContainTextAsync("确定删除通行密钥“办公电脑”吗？");
        await page.GetByTestId("passkeys-confirm-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-result")).ToContainTextAsync("已删除通行密钥“办公电脑”");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public async Task An_admin_on_a_phone_uses_a_passkey_as_the_second_factor_in_English()
    {
        var email = await AccountAsync(Roles.Admin);
        var page = await browser.NewPageAsync(mobile: true, locale: "en-US");
        var errors = WatchConsole(page);
        await AddVirtualAuthenticatorAsync(page);

        await SignInWithPasswordAndCodeAsync(page, email, "en-US", "/Account/Manage/Passkeys");
        await page.GetByLabel("Name of the new passkey (optional)").FillAsync("Admin phone");
        await page.GetByTestId("passkey-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("passkeys-result")).ToContainTextAsync("The passkey \"Admin phone\" was added.");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") - PlaywrightFixture.MobileWidth;
        Assert.True(overflow <= 0, $"the passkeys page is {overflow} px wider than the phone");
        await PlaywrightFixture.ScreenshotAsync(page, "passkeys-phone-en");

        // The password first, then the passkey where the code would go: the admin area opens.
        await SignOutAsync(page);
        await page.GotoAsync("/Account/Login?returnUrl=%2Fadmin");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/Account/LoginWith2fa**");
        await PlaywrightFixture.ScreenshotAsync(page, "login-2fa-passkey-phone-en");
        await page.GetByTestId("passkey-second-factor").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin");
        await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();

        // And the passkey alone signs the admin in as well (the authenticator stays enrolled).
        await SignOutAsync(page);
        await page.GotoAsync("/Account/Login?returnUrl=%2Fadmin");
        await page.GetByTestId("passkey-signin").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static List<string> WatchConsole(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    /// <summary>A built-in authenticator (fingerprint reader) that says yes: user present and verified.</summary>
    private static async Task AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
    }

    private async Task<string> AccountAsync(string role)
    {
        var email = $"passkey-{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "通行密钥测试" };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
        await Authenticators.EnrollAsync(browser.Portal, email);
        return email;
    }

    private async Task SignInWithPasswordAndCodeAsync(IPage page, string email, string culture, string returnUrl)
    {
        await page.GotoAsync($"/culture/{culture}?returnUrl={Uri.EscapeDataString($"/Account/Login?returnUrl={Uri.EscapeDataString(returnUrl)}")}");
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync("**/Account/LoginWith2fa**");
        await using (var scope = browser.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            var totp = new Totp(Base32Encoding.ToBytes((await users.GetAuthenticatorKeyAsync(user))!));
            var now = DateTime.UtcNow;
            var step = new DateTimeOffset(now).ToUnixTimeSeconds() / 30;
            await page.FillAsync("#totp-code", totp.ComputeTotp(step <= user.LastTotpTimeStep ? now.AddSeconds(30) : now));
        }
        await page.ClickAsync("[data-testid=totp-submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == returnUrl);
    }

    // The header's own sign-out form (on a phone it sits in the collapsed menu).
    private static async Task SignOutAsync(IPage page)
    {
        await page.EvaluateAsync("() => document.querySelector('[data-testid=sign-out]').closest('form').submit()");
        await page.WaitForLoadStateAsync(LoadState.Load);
        await page.WaitForFunctionAsync("() => !document.querySelector('[data-testid=sign-out]')");
    }
}
