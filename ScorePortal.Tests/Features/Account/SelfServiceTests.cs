using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using ScorePortal.Account.Sessions;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>
/// A person's own account over real HTTP and the use cases: the forgotten-password form's one answer and its limits,
/// the reset link's lifetime and single use, email changes that reveal nothing, and the session records behind every
/// sign-in cookie (ended sessions sign nobody in; old rows go).
/// </summary>
public sealed partial class SelfServiceTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task The_forgot_password_form_answers_the_same_for_an_unknown_and_a_known_address()
    {
        var (email, _) = await CreateCandidateAsync();
        using var client = new BrowserlessClient(portal);

        var unknown = await AskForResetAsync(client, $"nobody-{Guid.NewGuid():N}@example.org");
        var known = await AskForResetAsync(client, email);

        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal(Answer(unknown.Html), Answer(known.Html));
        Assert.Contains("30", Answer(known.Html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_captcha_is_refused_before_anything_is_sent()
    {
        using var client = new BrowserlessClient(portal);
        var (_, html) = await client.GetAsync("/Account/ForgotPassword");
        using var response = await client.SubmitPageAsync("/Account/ForgotPassword", html, "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = "someone@example.org", ["Input.CaptchaAnswer"] = "WRONG" });

        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"form-errors\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"forgot-result\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_mails_to_one_account_stop_at_its_hourly_limit_and_start_again_an_hour_later()
    {
        var (email, _) = await CreateCandidateAsync();
        var page = new Uri("http://localhost/Account/ResetPassword");

        var outcomes = new List<string>();
        for (var i = 0; i < 4; i++) outcomes.Add(await RunAsync<RequestPasswordReset, string>(r => r.HandleAsync(new(email, page, "192.0.2.1"))));
        portal.Clock.Advance(TimeSpan.FromMinutes(61));
        outcomes.Add(await RunAsync<RequestPasswordReset, string>(r => r.HandleAsync(new(email, page, "192.0.2.1"))));

        Assert.Equal(["sent", "sent", "sent", "limited-account", "sent"], outcomes);
        Assert.Equal("unknown-address", await RunAsync<RequestPasswordReset, string>(r => r.HandleAsync(new($"nobody-{Guid.NewGuid():N}@example.org", page, null))));
    }

    [Fact]
    public async Task A_reset_link_survives_a_refused_password_works_once_and_expires_after_30_minutes()
    {
        var (email, _) = await CreateCandidateAsync();
        var (userId, fresh) = await LinkAsync(email);
        var (_, old) = await LinkAsync(email);

        var weak = await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, fresh, "short", null)));
        Assert.Equal(AccountLinkState.Valid, weak.Link);
        Assert.NotEmpty(weak.Errors);

        var done = await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, fresh, "another good one 9", null)));
        Assert.True(done.Succeeded);
        var twice = await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, fresh, "yet another one 10", null)));
        Assert.Equal(AccountLinkState.Spent, twice.Link);
        // The reset rotated the stamp: a second link sent before it is spent too.
        Assert.Equal(AccountLinkState.Spent, (await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, old, "yet another one 10", null)))).Link);

        var (_, late) = await LinkAsync(email);
        portal.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(AccountLinkState.Expired, (await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, late, "yet another one 10", null)))).Link);
        Assert.Equal(AccountLinkState.Invalid, (await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, late[..^4] + "AAAA", "yet another one 10", null)))).Link);
    }

    [Fact]
    public async Task A_reset_ends_every_session_of_the_account_at_its_next_request()
    {
        var (email, password) = await CreateCandidateAsync();
        using var client = new BrowserlessClient(portal);
        using (var signIn = await client.SignInAsync(email, password)) Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage/Sessions")).Status);

        var (userId, code) = await LinkAsync(email);
        Assert.True((await RunAsync<ResetPasswordWithLink, PasswordResetResult>(r => r.HandleAsync(new(userId, code, "a new and good one 4", null)))).Succeeded);

        using var after = await client.Http.GetAsync("/Account/Manage/Sessions");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/Login", after.RedirectTarget());
    }

    [Fact]
    public async Task An_ended_session_signs_nobody_in_while_the_other_one_stays()
    {
        var (email, password) = await CreateCandidateAsync();
        using var kept = new BrowserlessClient(portal);
        using var ended = new BrowserlessClient(portal);
        using (await kept.SignInAsync(email, password)) { }
        using (await ended.SignInAsync(email, password)) { }
        var (_, html) = await kept.GetAsync("/Account/Manage/Sessions");
        Assert.Equal(2, SessionItem().Matches(html).Count);

        // The kept browser asks to sign the other one out, then confirms.
        var other = EndButton().Match(html).Groups["id"].Value;
        using (var ask = await kept.SubmitPageAsync("/Account/Manage/Sessions", html, "sessions", new Dictionary<string, string> { ["Ask"] = other }))
        {
            var confirm = await ask.Content.ReadAsStringAsync();
            Assert.Contains("data-testid=\"sessions-confirm\"", confirm, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await ended.GetAsync("/Account/Manage/Sessions")).Status); // nothing ended yet
            using var done = await kept.SubmitPageAsync("/Account/Manage/Sessions", confirm, "sessions-confirm", new Dictionary<string, string>());
            var after = await done.Content.ReadAsStringAsync();
            Assert.True(SessionItem().Matches(after).Count == 1, $"{(int)done.StatusCode} {done.Headers.Location} {after}");
        }

        using var refused = await ended.Http.GetAsync("/Account/Manage/Sessions");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync("/Account/Manage/Sessions")).Status);
    }

    [Fact]
    public async Task An_open_circuit_of_an_ended_session_loses_its_sign_in_at_its_next_check()
    {
        var (email, _) = await CreateCandidateAsync();
        var sessions = portal.Services.GetRequiredService<AccountSessions>();
        ClaimsPrincipal principal;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
            principal = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByEmailAsync(email))!);
        }
        var userId = await UserIdAsync(email);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(AccountSessions.ClaimType, await sessions.StartAsync(userId, new DefaultHttpContext())));
        var circuit = new RevalidatingIdentityAuthenticationStateProvider(portal.Services.GetRequiredService<ILoggerFactory>(),
            portal.Services.GetRequiredService<IServiceScopeFactory>(), portal.Services.GetRequiredService<IOptions<IdentityOptions>>(),
            new CircuitActivity(portal.Clock), portal.Clock, portal.Services.GetRequiredService<ScorePortal.Account.Admin.OpenCircuits>());
        Assert.True(await circuit.IsStillValidAsync(principal));

        await sessions.EndOthersAsync(userId, keep: null);

        Assert.False(await circuit.IsStillValidAsync(principal));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        var (email, password) = await CreateCandidateAsync();
        using var client = new BrowserlessClient(portal);
        using (await client.SignInAsync(email, password)) { }
        var (_, html) = await client.GetAsync("/Account/Manage/Sessions");
        var sessions = portal.Services.GetRequiredService<AccountSessions>();
        var userId = await UserIdAsync(email);
        Assert.Single(await sessions.ListAsync(userId, new ClaimsPrincipal(), null));

        var token = LogoutToken().Match(html).Groups["token"].Value;
        using var signOut = await client.Http.PostAsync("/Account/Logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["returnUrl"] = "/",
        }));

        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Empty(await sessions.ListAsync(userId, new ClaimsPrincipal(), null));
    }

    [Fact]
    public async Task A_session_of_another_account_cannot_be_ended_from_this_one()
    {
        var (mallory, _) = await CreateCandidateAsync();
        var (victim, _) = await CreateCandidateAsync();
        var sessions = portal.Services.GetRequiredService<AccountSessions>();
        var victimId = await UserIdAsync(victim);
        var sessionId = await sessions.StartAsync(victimId, new DefaultHttpContext());

        Assert.False(await sessions.EndAsync(await UserIdAsync(mallory), AccountSessions.RowId(sessionId)));
        Assert.True(await sessions.ValidateAsync(victimId, sessionId, remembered: false));
    }

    [Fact]
    public async Task Session_rows_go_once_no_cookie_can_carry_them()
    {
        var (email, _) = await CreateCandidateAsync();
        var sessions = portal.Services.GetRequiredService<AccountSessions>();
        var userId = await UserIdAsync(email);
        var sessionId = await sessions.StartAsync(userId, new DefaultHttpContext());

        portal.Clock.Advance(AccountSessions.Retention + TimeSpan.FromMinutes(1));

        Assert.False(await sessions.ValidateAsync(userId, sessionId));
        // The hourly sweep may have run when the clock moved; either way the row is gone after a sweep.
        await sessions.DeleteExpiredAsync();
        await using var db = await portal.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ScorePortal.Data.ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.False(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.AccountSessions, s => s.UserId == userId));
    }

    [Fact]
    public async Task An_email_change_needs_the_password_and_tells_nothing_about_an_address_in_use()
    {
        var (email, password) = await CreateCandidateAsync();
        var (taken, _) = await CreateCandidateAsync();
        var userId = await UserIdAsync(email);
        var page = new Uri("http://localhost/Account/ConfirmEmailChange");

        Assert.Equal(EmailChangeRequestOutcome.WrongPassword, await RunAsync<RequestEmailChange, EmailChangeRequestOutcome>(
            r => r.HandleAsync(new(userId, "not my password 1", $"new-{Guid.NewGuid():N}@example.org", page, null))));
        Assert.Equal(EmailChangeRequestOutcome.SameAddress, await RunAsync<RequestEmailChange, EmailChangeRequestOutcome>(
            r => r.HandleAsync(new(userId, password, email.ToUpperInvariant(), page, null))));
        Assert.Equal(EmailChangeRequestOutcome.Sent, await RunAsync<RequestEmailChange, EmailChangeRequestOutcome>(
            r => r.HandleAsync(new(userId, password, taken, page, null))));
        // The owner of the address in use gets nothing to click.
        await portal.RunOutboxPassAsync();
        Assert.DoesNotContain(portal.Mailbox.Messages, m => SmtpTestServer.IsTo(m, taken));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome", "Windows", false)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge", "Windows", false)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari", "iOS", true)]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.49", "WeChat", "Android", true)]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox", "macOS", false)]
    [InlineData("curl/8.5.0", DeviceDescription.Other, DeviceDescription.Other, false)]
    [InlineData("", DeviceDescription.Other, DeviceDescription.Other, false)]
    public void A_user_agent_becomes_a_browser_and_a_system_in_plain_words(string userAgent, string browser, string system, bool mobile) =>
        Assert.Equal(new DeviceDescription(browser, system, mobile), DeviceDescription.Parse(userAgent));

    [Theory]
    [InlineData("198.51.100.23", "198.51.100.0/24")]
    [InlineData("::ffff:198.51.100.23", "198.51.100.0/24")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void A_session_shows_its_network_never_its_full_address(string address, string shown) =>
        Assert.Equal(shown, AccountSessions.Network(IPAddress.Parse(address)));

    private async Task<(HttpStatusCode Status, string Html)> AskForResetAsync(BrowserlessClient client, string email)
    {
        var (_, form) = await client.GetAsync("/Account/ForgotPassword");
        using var response = await client.SubmitPageAsync("/Account/ForgotPassword", form, "forgot-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Answer(string html) => ForgotResult().Match(html).Groups["text"].Value;

    private async Task<(string Email, string Password)> CreateCandidateAsync()
    {
        var email = $"self-{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, portal.DemoPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
        return (email, portal.DemoPassword);
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    /// <summary>A reset link for the account as it is stored now (what the mail would carry).</summary>
    private async Task<(string UserId, string Code)> LinkAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
        return (user.Id, scope.ServiceProvider.GetRequiredService<AccountLinks>().Create(AccountLinks.PasswordReset, user, TimeSpan.FromMinutes(30)));
    }

    private async Task<T> RunAsync<TCase, T>(Func<TCase, Task<T>> action) where TCase : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    [GeneratedRegex("data-testid=\"forgot-result\">(?<text>[^<]*)<")]
    private static partial Regex ForgotResult();

    [GeneratedRegex("action=\"/Account/Logout\".*?name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"", RegexOptions.Singleline)]
    private static partial Regex LogoutToken();

    [GeneratedRegex("data-testid=\"session-item\"")]
    private static partial Regex SessionItem();

    [GeneratedRegex("name=\"Ask\" value=\"(?<id>[0-9a-f]{64})\"")]
    private static partial Regex EndButton();
}

/// <summary>The forgotten-password form's own per-address policy: each post may send a mail.</summary>
public sealed class PasswordResetRateLimitTests
{
    [Fact]
    public async Task The_forgot_password_form_refuses_a_client_over_its_posts_per_minute()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { ["PublicForms:PasswordResetsPerAddressPerMinute"] = "2" });
        using var client = new BrowserlessClient(portal);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            var (_, form) = await client.GetAsync("/Account/ForgotPassword");
            using var response = await client.SubmitPageAsync("/Account/ForgotPassword", form, "forgot-password", new Dictionary<string, string>
            {
                ["Input.Email"] = $"nobody-{i}@example.org",
                ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
            });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Reading the page is never limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/ForgotPassword")).Status);
    }
}
