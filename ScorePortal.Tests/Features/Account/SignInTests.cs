using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

public sealed partial class SignInTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Anonymous_visitor_of_the_admin_area_is_sent_to_sign_in()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.RedirectTarget());
    }

    [Fact]
    public async Task Admin_signing_in_with_a_password_is_sent_to_enroll_an_authenticator()
    {
        using var client = new BrowserlessClient(portal);

        using var signIn = await client.SignInAsync("admin2@scoreportal.demo", portal.DemoPassword);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/Account/Authenticator", signIn.RedirectTarget());
    }

    [Fact]
    public async Task Staff_area_stays_closed_until_an_authenticator_is_enrolled()
    {
        using var client = new BrowserlessClient(portal);
        using var _ = await client.SignInAsync("staff.guangdong@scoreportal.demo", portal.DemoPassword);

        using var response = await client.Http.GetAsync("/staff");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Authenticator?returnUrl=%2Fstaff", response.RedirectTarget());
    }

    [Fact]
    public async Task Candidate_cannot_open_the_admin_area()
    {
        using var client = new BrowserlessClient(portal);
        using var signIn = await client.SignInAsync("candidate@scoreportal.demo", portal.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.RedirectTarget());

        using var response = await client.Http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget());
    }

    [Fact]
    public async Task Enrolled_staff_opens_the_area_and_a_used_code_is_never_accepted_twice()
    {
        using var client = new BrowserlessClient(portal);
        using var _ = await client.SignInAsync("staff.beijing@scoreportal.demo", portal.DemoPassword);

        var (status, page) = await client.GetAsync("/Account/Authenticator?returnUrl=%2Fstaff");
        Assert.Equal(HttpStatusCode.OK, status);
        var secret = Secret().Match(page).Groups[1].Value.Replace(" ", "").ToUpperInvariant();
        Assert.Equal(32, secret.Length);
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        var code = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime);

        using var enrolled = await client.SubmitPageAsync("/Account/Authenticator?returnUrl=%2Fstaff", page, "authenticator",
            new Dictionary<string, string> { ["Input.Code"] = code });
        var enrolledHtml = await enrolled.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        Assert.Equal(10, RecoveryCode().Matches(enrolledHtml).Count);

        var (areaStatus, area) = await client.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.OK, areaStatus);
        Assert.Contains("考试中心工作台", area);

        // Sign in again: the code just used for enrollment is still inside its 30-second step, and is refused.
        using var fresh = new BrowserlessClient(portal);
        using var password = await fresh.SignInAsync("staff.beijing@scoreportal.demo", portal.DemoPassword);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        var twoFactorPath = password.RedirectTarget();
        using var replay = await fresh.SubmitAsync(twoFactorPath, "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("验证码不正确或已使用过", await replay.Content.ReadAsStringAsync());

        // The next time step's code is accepted once.
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = totp.ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime);
        using var accepted = await fresh.SubmitAsync(twoFactorPath, "login-2fa", new Dictionary<string, string> { ["Input.Code"] = next });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var (reopened, _) = await fresh.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.OK, reopened);
    }

    [Fact]
    public async Task Recovery_code_signs_in_once()
    {
        var users = portal.Services.CreateScope().ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var expert = (await users.FindByEmailAsync("expert@scoreportal.demo"))!;
        await users.ResetAuthenticatorKeyAsync(expert);
        await users.SetTwoFactorEnabledAsync(expert, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(expert, 10))!.ToList();

        async Task<HttpResponseMessage> SignInWithRecoveryCode(BrowserlessClient client)
        {
            using var password = await client.SignInAsync("expert@scoreportal.demo", portal.DemoPassword);
            Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
            return await client.SubmitAsync("/Account/LoginWithRecoveryCode?returnUrl=%2Fexpert", "login-recovery",
                new Dictionary<string, string> { ["Input.Code"] = codes[0] });
        }

        using (var first = new BrowserlessClient(portal))
        using (var ok = await SignInWithRecoveryCode(first))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/expert")).Status);
        }

        using var second = new BrowserlessClient(portal);
        using var reused = await SignInWithRecoveryCode(second);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("恢复码不正确或已使用过", await reused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Registration_with_a_weak_password_explains_the_rules_in_chinese()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.AcceptNotice"] = "true",
            ["Input.Email"] = "weak@example.com", ["Input.Password"] = "short", ["Input.ConfirmPassword"] = "short",
        });

        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("密码至少需要 12 位", html);
        Assert.Contains("密码须包含至少一个数字", html);
    }

    [Fact]
    public async Task New_candidate_registers_is_told_to_check_the_email_and_then_signs_in()
    {
        using var client = new BrowserlessClient(portal);
        const string password = "a fine password 7";

        using var response = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.AcceptNotice"] = "true",
            ["Input.Email"] = "new.candidate@example.com", ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
        });

        // The same answer as for an address that already has an account: no sign-in, "check your email".
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/RegisterConfirmation", response.RedirectTarget());
        Assert.DoesNotContain("new.candidate@example.com", (await client.GetAsync("/")).Html);
        using var signIn = await client.SignInAsync("new.candidate@example.com", password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var (_, home) = await client.GetAsync("/");
        Assert.Contains("new.candidate@example.com", home);
        var users = portal.Services.CreateScope().ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("new.candidate@example.com");
        Assert.True(await users.IsInRoleAsync(user!, Roles.Candidate));
        Assert.False(user!.MustChangePassword);
    }

    [Fact]
    public async Task A_privileged_session_ends_after_twenty_idle_minutes_but_a_candidates_does_not()
    {
        using var admin = new BrowserlessClient(portal);
        using var candidate = new BrowserlessClient(portal);
        using var a = await admin.SignInAsync("admin2@scoreportal.demo", portal.DemoPassword);
        using var c = await candidate.SignInAsync("candidate@scoreportal.demo", portal.DemoPassword);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.GetAsync("/Account/Authenticator")).Status);

        portal.Clock.Advance(TimeSpan.FromMinutes(21));

        using var expired = await admin.Http.GetAsync("/Account/Authenticator");
        Assert.StartsWith("/Account/Login", expired.RedirectTarget());
        var (_, home) = await candidate.GetAsync("/");
        Assert.Contains("candidate@scoreportal.demo", home);
    }

    [Fact]
    public async Task A_changed_security_stamp_ends_existing_sessions()
    {
        using var client = new BrowserlessClient(portal);
        const string email = "stamp.test@example.com";
        const string password = "stamp test password 9";
        using (var created = await client.SubmitAsync("/Account/Register", "register", new Dictionary<string, string>
               {
                   ["Input.AcceptNotice"] = "true",
                   ["Input.Email"] = email, ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
               }))
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        using (var signIn = await client.SignInAsync(email, password))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains(email, (await client.GetAsync("/")).Html);

        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(email))!); // e.g. password reset elsewhere
        }
        portal.Clock.Advance(TimeSpan.FromMinutes(6)); // past the 5-minute validation interval

        Assert.DoesNotContain(email, (await client.GetAsync("/")).Html);
    }

    [Fact]
    public async Task Staff_see_their_own_province_only()
    {
        const string email = "staff.province44@example.com";
        using (var scope = portal.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var staff = new ApplicationUser { UserName = email, Email = email, ProvinceCode = "44" };
            Assert.True((await users.CreateAsync(staff, portal.DemoPassword)).Succeeded);
            await users.AddToRoleAsync(staff, Roles.Staff);
            await users.ResetAuthenticatorKeyAsync(staff);
            await users.SetTwoFactorEnabledAsync(staff, true);
        }
        var key = await KeyOf(email);
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(email, portal.DemoPassword);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(portal.Clock.GetUtcNow().UtcDateTime) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);

        var (status, html) = await client.GetAsync("/staff");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("广东", html);
        Assert.DoesNotContain("北京市人事考试", html);
    }

    private async Task<string> KeyOf(string email)
    {
        using var scope = portal.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(email))!))!;
    }

    [Fact]
    public async Task Sign_in_attempts_are_audited_without_the_email_address()
    {
        await using var db = portal.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<ScorePortal.Data.ScorePortalDbContext>>().CreateDbContext();
        string candidateId;
        using (var scope = portal.Services.CreateScope())
            candidateId = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync("candidate@scoreportal.demo"))!.Id;
        // Tests of one class run one after another, and a sign-in answers only once its audit entry is committed
        // (WriteDurableAsync): the sign-in entries after this point are exactly this test's two, in this order.
        var before = db.AuditEntries.Max(e => (long?)e.Sequence) ?? 0;
        using var client = new BrowserlessClient(portal);
        using var _ = await client.SignInAsync("nobody.audit@example.com", "whatever password 1");
        using var __ = await client.SignInAsync("candidate@scoreportal.demo", "wrong password 123");

        var entries = db.AuditEntries.Where(e => e.Action == ScorePortal.Platform.Audit.AuditActions.SignIn && e.Sequence > before)
            .OrderBy(e => e.Sequence).ToList();

        Assert.Collection(entries,
            unknown =>
            {
                Assert.Null(unknown.ActorUserId);
                Assert.Contains("\"result\":\"unknown-account\"", unknown.DataJson);
            },
            wrong =>
            {
                Assert.Equal(candidateId, wrong.ActorUserId);
                Assert.Contains("\"result\":\"wrong-password\"", wrong.DataJson);
            });
        Assert.All(db.AuditEntries.ToList(), e => Assert.DoesNotContain("@", e.DataJson + e.TargetId + e.ActorUserId + e.SourceIpHash));
    }

    [GeneratedRegex("data-testid=\"totp-secret\">([a-z0-9 ]+)<")]
    private static partial Regex Secret();

    [GeneratedRegex("<li>[0-9A-Z]{5}-[0-9A-Z]{5}</li>")]
    private static partial Regex RecoveryCode();
}
