using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account;
using ScorePortal.Features.Privacy;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Me;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Privacy.PrivacyTestSupport;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>The privacy notice: public and versioned, accepted at registration, and again at sign-in when it changed.</summary>
public sealed class PrivacyNoticeTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static readonly int Current = PrivacyNotice.Current.Version;

    [Fact]
    public async Task The_notice_is_public_versioned_quotes_the_retention_periods_and_is_linked_from_the_footer_and_the_lookup()
    {
        using var client = new BrowserlessClient(portal);
        var (status, html) = await client.GetAsync("/privacy?culture=en-US");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Version {Current}, in effect from", html);
        foreach (var period in new[] { "7 days after registration", "1 day after they expire", "180 days after the case is closed",
                     "30 days after delivery", "Sign-in session history: kept 180 days", "valid for 24 hours", "only with your consent" })
            Assert.Contains(period, WebUtility.HtmlDecode(html));
        foreach (var right in new[] { "href=\"/me/data\"", "href=\"/me/close\"", "href=\"/me/consents\"" }) Assert.Contains(right, html);

        var (_, unknown) = await client.GetAsync("/privacy?version=999");
        Assert.Contains("data-testid=\"privacy-unknown-version\"", unknown);

        // Every page's footer (the Blazor layout and the hand-written lookup frame) links it; the lookup forms name it too.
        var (_, home) = await client.GetAsync("/");
        Assert.Contains("data-testid=\"footer-privacy\"", home);
        var (_, lookup) = await client.GetAsync("/lookup");
        Assert.Contains("data-testid=\"footer-privacy\"", lookup);
        Assert.Contains("data-testid=\"lookup-privacy\"", lookup);
        var (_, overseas) = await client.GetAsync("/lookup/overseas");
        Assert.Contains("data-testid=\"lookup-privacy\"", overseas);
    }

    [Fact]
    public async Task The_notice_blocks_registration_until_accepted_and_the_accepted_version_is_stored()
    {
        using var client = new BrowserlessClient(portal);
        var email = $"r{Guid.NewGuid():N}@example.org";
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = "correct horse 42", ["Input.ConfirmPassword"] = "correct horse 42",
        };
        var (_, form) = await client.GetAsync("/Account/Register");
        Assert.Contains("data-testid=\"register-accept-notice\"", form);
        Assert.Contains("href=\"/privacy\"", form);

        using (var unticked = await client.SubmitAsync("/Account/Register", "register", fields))
        {
            Assert.Equal(HttpStatusCode.OK, unticked.StatusCode);
            Assert.Contains("请阅读隐私政策并勾选同意后再注册", await unticked.Content.ReadAsStringAsync());
        }
        // A tick for a version that is no longer the current one is not an acceptance of the current one.
        using (var stale = await client.SubmitAsync("/Account/Register", "register",
                   new Dictionary<string, string>(fields) { ["Input.AcceptNotice"] = "true", ["Input.NoticeVersion"] = (Current - 1).ToString() }))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Contains("隐私政策刚刚更新", await stale.Content.ReadAsStringAsync());
        }
        await using (var db = await DbAsync(portal))
            Assert.False(await db.Users.AnyAsync(u => u.NormalizedEmail == email.ToUpperInvariant()));

        var before = portal.Clock.GetUtcNow();
        using (var accepted = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>(fields) { ["Input.AcceptNotice"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.StartsWith("/Account/RegisterConfirmation", accepted.RedirectTarget());
        }
        await using (var db = await DbAsync(portal))
        {
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.NormalizedEmail == email.ToUpperInvariant());
            Assert.Equal(Current, user.PrivacyNoticeVersion);
            Assert.Equal(before.ToUnixTimeMilliseconds(), user.PrivacyNoticeAcceptedAt?.ToUnixTimeMilliseconds());
            var audit = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.Register && e.TargetId == user.Id).SingleAsync();
            Assert.Contains("\"privacyNotice\":\"" + Current + "\"", audit.DataJson);
        }
    }

    [Fact]
    public async Task An_account_that_accepted_an_older_version_is_sent_to_accept_at_sign_in_and_then_reaches_me()
    {
        var (userId, email) = await CandidateAsync(portal, Current - 1);
        using var client = await SignedInAsync(portal, email);

        // Every page of the areas leads to the acceptance first; the notice itself stays readable.
        Assert.Equal("/privacy/accept?returnUrl=%2Fme", await RedirectOfAsync(client, "/me"));
        Assert.StartsWith("/privacy/accept", await RedirectOfAsync(client, "/"));
        Assert.Null(await RedirectOfAsync(client, "/privacy"));

        using (var unticked = await client.SubmitAsync("/privacy/accept?returnUrl=%2Fme", "privacy-accept", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.OK, unticked.StatusCode);
            Assert.Contains("请勾选同意后继续", await unticked.Content.ReadAsStringAsync());
        }
        Assert.Equal("/privacy/accept?returnUrl=%2Fme", await RedirectOfAsync(client, "/me"));

        using (var accepted = await client.SubmitAsync("/privacy/accept?returnUrl=%2Fme", "privacy-accept",
                   new Dictionary<string, string> { ["Input.Accepted"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.Equal("/me", accepted.RedirectTarget());
        }
        var (status, me) = await client.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"me-privacy\"", me);
        Assert.Contains("href=\"/me/close\"", me);

        await using var db = await DbAsync(portal);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.Equal(Current, user.PrivacyNoticeVersion);
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == AuditActions.PrivacyNoticeAccept && e.ActorUserId == userId);
        Assert.DoesNotContain(email, audit.DataJson ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_gate_also_stands_after_a_sign_in_with_the_authenticator()
    {
        var (_, email) = await CandidateAsync(portal, Current - 1);
        var code = await Authenticators.NextCodeAsync(portal, email);
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(email, CandidateTestSupport.Password);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("/privacy/accept?returnUrl=%2Fme", await RedirectOfAsync(client, "/me"));
    }

    [Fact]
    public async Task Every_way_in_builds_its_sign_in_with_the_claim_for_an_older_version_only()
    {
        // Password, authenticator, recovery code and passkey sign-ins all build their principal with this factory.
        await using var scope = portal.Services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        async Task<ClaimsPrincipal> PrincipalAsync(int? version) =>
            await factory.CreateAsync((await users.FindByIdAsync((await CandidateAsync(portal, version)).UserId))!);

        Assert.True(PrivacyNoticeGate.IsRequired(await PrincipalAsync(Current - 1)));
        Assert.False(PrivacyNoticeGate.IsRequired(await PrincipalAsync(Current)));
        // No acceptance recorded (an account made by an admin or an invitation): not asked at sign-in.
        Assert.False(PrivacyNoticeGate.IsRequired(await PrincipalAsync(null)));
    }
}
