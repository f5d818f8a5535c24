using System.Net.Http.Json;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>
/// Sign-in and registration tell nobody which addresses have accounts, and password guessing is slowed down (captcha,
/// growing per-account waits) instead of locking accounts; second-factor codes keep the lockout. Each test uses its own
/// addresses: counters are per typed email (the per-client captcha is off in tests, where every request shares one
/// address, and tested with its own portal).
/// </summary>
public sealed partial class SignInProtectionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Password = "the right password 42";

    private async Task<string> AccountAsync(string email, bool enrolled = false)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = portal.Clock.GetUtcNow() };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Candidate);
        return enrolled ? await Authenticators.EnrollAsync(portal, email) : user.Id;
    }

    /// <summary>A sign-in post with a solved captcha (the test answer): the captcha is only checked once it is required.</summary>
    private static async Task<HttpResponseMessage> SignInWithCaptchaAsync(BrowserlessClient client, string email, string password)
    {
        var challenge = await client.Http.GetFromJsonAsync<ScorePortal.Features.Captcha.CaptchaExtensions.CaptchaChallenge>("/captcha/new");
        return await client.SubmitAsync("/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.CaptchaToken"] = challenge!.Token,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
    }

    /// <summary>What a visitor can tell apart: status, where it leads, the messages, whether a captcha is asked, cookies set.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        var messages = FormErrors().Match(html).Groups[1].Value;
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var set)
            ? string.Join(",", set.Select(c => c[..c.IndexOf('=')]).Where(n => !n.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Order())
            : "";
        var target = response.StatusCode == HttpStatusCode.Redirect ? response.RedirectTarget() : "";
        return $"{(int)response.StatusCode} {target} [{messages}] captcha={html.Contains("data-captcha-token", StringComparison.Ordinal)} cookies={cookies}";
    }

    [Fact]
    public async Task A_real_account_and_an_unknown_address_get_the_same_answers_from_the_first_wrong_password_to_the_wait()
    {
        var real = $"real.{Guid.NewGuid():N}@example.org";
        var unknown = $"unknown.{Guid.NewGuid():N}@example.org";
        await AccountAsync(real);

        async Task<List<string>> EightWrongPasswordsAsync(string email)
        {
            using var client = new BrowserlessClient(portal);
            var answers = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                using var response = await SignInWithCaptchaAsync(client, email, "a wrong password 1");
                answers.Add(await AnswerAsync(response));
            }
            return answers;
        }

        var forReal = await EightWrongPasswordsAsync(real);
        var forUnknown = await EightWrongPasswordsAsync(unknown);

        Assert.Equal(forReal, forUnknown);
        Assert.Contains("邮箱或密码不正确", forReal[0]);
        Assert.Contains("captcha=True", forReal[3]); // a captcha after three wrong passwords
        Assert.Contains("请 2 秒后再试", forReal[5]); // then a wait, never a "locked" page
        Assert.DoesNotContain(forReal, a => a.Contains("/Account/Lockout"));
    }

    [Fact]
    public async Task Wrong_passwords_slow_an_account_down_with_growing_waits_but_never_lock_its_owner_out()
    {
        var email = $"slowed.{Guid.NewGuid():N}@example.org";
        await AccountAsync(email);
        using var client = new BrowserlessClient(portal);
        for (var i = 0; i < 5; i++)
            using (await SignInWithCaptchaAsync(client, email, "a wrong password 1")) { }

        using (var waiting = await SignInWithCaptchaAsync(client, email, Password))
            Assert.Contains("请 2 秒后再试", await waiting.Content.ReadAsStringAsync());
        portal.Clock.Advance(TimeSpan.FromSeconds(2));
        using (var sixth = await SignInWithCaptchaAsync(client, email, "a wrong password 1"))
            Assert.Contains("邮箱或密码不正确", await sixth.Content.ReadAsStringAsync());
        using (var longer = await SignInWithCaptchaAsync(client, email, Password))
            Assert.Contains("请 4 秒后再试", await longer.Content.ReadAsStringAsync());
        portal.Clock.Advance(TimeSpan.FromSeconds(4));

        using var owner = await SignInWithCaptchaAsync(client, email, Password);

        Assert.Equal(HttpStatusCode.Redirect, owner.StatusCode);
        Assert.Equal("/", owner.RedirectTarget());
        await using var scope = portal.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        Assert.Null(user!.LockoutEnd);
    }

    [Fact]
    public async Task After_three_wrong_passwords_the_right_one_needs_the_captcha_too()
    {
        var email = $"captcha.{Guid.NewGuid():N}@example.org";
        await AccountAsync(email);
        using var client = new BrowserlessClient(portal);
        for (var i = 0; i < 3; i++)
            using (await client.SignInAsync(email, "a wrong password 1")) { }

        using var withoutCaptcha = await client.SignInAsync(email, Password);
        var page = await withoutCaptcha.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, withoutCaptcha.StatusCode);
        Assert.Contains("验证码不正确", page);
        Assert.Contains("data-captcha-token", page);

        // The form the refusal shows carries a fresh captcha; solving it lets the right password in.
        using var solved = await client.SubmitPageAsync("/Account/Login", page, "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.Redirect, solved.StatusCode);
    }

    [Fact]
    public async Task A_client_that_failed_three_times_gets_the_captcha_with_the_empty_form()
    {
        await using var limited = PortalFactory.With(new Dictionary<string, string?> { ["Account:SignIn:CaptchaAfterAddressFailures"] = "3" });
        using var client = new BrowserlessClient(limited);
        Assert.DoesNotContain("data-captcha-token", (await client.GetAsync("/Account/Login")).Html);
        for (var i = 0; i < 3; i++)
            using (await client.SignInAsync($"someone{i}.{Guid.NewGuid():N}@example.org", "a wrong password 1")) { }

        Assert.Contains("data-captcha-token", (await client.GetAsync("/Account/Login")).Html);
    }

    [Fact]
    public async Task Sign_in_posts_are_limited_per_client_address()
    {
        await using var limited = PortalFactory.With(new Dictionary<string, string?> { ["PublicForms:PostsPerAddressPerMinute"] = "3" });
        using var client = new BrowserlessClient(limited);
        var statuses = new List<HttpStatusCode>();
        string? refused = null;
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.SignInAsync($"someone{i}.{Guid.NewGuid():N}@example.org", "a wrong password 1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // Never a bare 429: the portal's page says how many seconds to wait, as Retry-After does.
                var seconds = response.Headers.RetryAfter?.Delta?.TotalSeconds;
                Assert.True(seconds is > 0 and <= 60, $"Retry-After: {response.Headers.RetryAfter}");
                refused = await response.Content.ReadAsStringAsync();
                Assert.Contains($"<span data-wait-seconds>{seconds}</span>", refused, StringComparison.Ordinal);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("秒后再试", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Second_factor_codes_still_lock_the_account_and_only_the_right_password_learns_of_it()
    {
        var email = $"locked.{Guid.NewGuid():N}@example.org";
        await AccountAsync(email, enrolled: true);
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(email, Password);
        var twoFactor = password.RedirectTarget();
        Assert.StartsWith("/Account/LoginWith2fa", twoFactor);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
            answers.Add(await client.SubmitAsync(twoFactor, "login-2fa", new Dictionary<string, string> { ["Input.Code"] = "000000" }));

        Assert.Equal("/Account/Lockout", answers[^1].RedirectTarget());
        using var right = await new BrowserlessClient(portal).SignInAsync(email, Password);
        Assert.Equal("/Account/Lockout", right.RedirectTarget());
        using var wrong = await new BrowserlessClient(portal).SignInAsync(email, "a wrong password 1");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("邮箱或密码不正确", await wrong.Content.ReadAsStringAsync());
        foreach (var answer in answers) answer.Dispose();
    }

    [Fact]
    public async Task Registering_an_address_that_has_an_account_answers_like_a_new_one_and_tells_the_owner()
    {
        var existing = $"owner.{Guid.NewGuid():N}@example.org";
        var fresh = $"fresh.{Guid.NewGuid():N}@example.org";
        await AccountAsync(existing);

        async Task<string> RegisterAsync(string email)
        {
            using var client = new BrowserlessClient(portal);
            using var response = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
            {
                ["Input.AcceptNotice"] = "true",
                ["Input.Email"] = email, ["Input.Password"] = "another password 7", ["Input.ConfirmPassword"] = "another password 7",
            });
            return await AnswerAsync(response);
        }

        var forExisting = await RegisterAsync(existing);
        var forFresh = await RegisterAsync(fresh);

        Assert.Equal(forFresh, forExisting);
        Assert.StartsWith("302 /Account/RegisterConfirmation", forFresh);
        Assert.EndsWith("cookies=", forFresh); // nobody is signed in by registering
        var notice = await portal.Mailbox.WaitForMessageToAsync(existing, TimeSpan.FromSeconds(30));
        Assert.StartsWith("有人尝试用您的邮箱注册", notice.Subject);
        var confirmation = await portal.Mailbox.WaitForMessageToAsync(fresh, TimeSpan.FromSeconds(30));
        Assert.Contains("/Account/ConfirmEmail?userId=", confirmation.TextBody);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync(existing))!, Password)); // unchanged
    }

    [GeneratedRegex("data-testid=\"form-errors\">(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex FormErrors();
}
