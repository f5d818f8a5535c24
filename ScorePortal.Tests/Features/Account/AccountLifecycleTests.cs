using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account;

/// <summary>
/// Accounts over time: enrollment with a fresh secret, the first password an admin gave out, role changes and idle
/// time reaching interactive circuits.
/// </summary>
public sealed partial class AccountLifecycleTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<(int ExitCode, string Output)> RunAsync(string name, params string[] args)
    {
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == name);
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        var exitCode = await command.RunAsync(scope.ServiceProvider, new CommandArguments(args), output);
        return (exitCode, output.ToString());
    }

    private static string SecretOf(string html) =>
        Secret().Match(html).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    [Fact]
    public async Task Every_visit_of_the_enrollment_page_shows_a_new_secret_and_only_the_last_one_enrolls()
    {
        using var client = new BrowserlessClient(portal);
        using (var signIn = await client.SignInAsync("staff.guangdong@scoreportal.demo", portal.DemoPassword))
            Assert.StartsWith("/Account/Authenticator", signIn.RedirectTarget());

        var (_, first) = await client.GetAsync("/Account/Authenticator");
        var (_, second) = await client.GetAsync("/Account/Authenticator");
        var (firstSecret, secondSecret) = (SecretOf(first), SecretOf(second));
        Assert.Equal(32, firstSecret.Length);
        Assert.NotEqual(firstSecret, secondSecret);

        using var withOldSecret = await client.SubmitPageAsync("/Account/Authenticator", second, "authenticator",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(firstSecret, portal.Clock.GetUtcNow()) });
        Assert.Contains("验证码不正确或已使用过", await withOldSecret.Content.ReadAsStringAsync());

        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var withNewSecret = await client.SubmitPageAsync("/Account/Authenticator", second, "authenticator",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(secondSecret, portal.Clock.GetUtcNow()) });
        Assert.Contains("data-testid=\"recovery-codes\"", await withNewSecret.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_account_an_admin_created_changes_its_initial_password_before_anything_else()
    {
        var email = $"expert.{Guid.NewGuid():N}@example.org";
        var created = await RunAsync("create-account", "--email", email, "--role", "Expert", "--province", "11");
        Assert.Equal(0, created.ExitCode);
        var initial = created.Output.TrimEnd().Split('\n')[^1].Trim();

        using var client = new BrowserlessClient(portal);
        using (var signIn = await client.SignInAsync(email, initial))
            Assert.StartsWith("/Account/Authenticator", signIn.RedirectTarget());
        using var enroll = await client.Http.GetAsync("/Account/Authenticator?returnUrl=%2Fexpert");
        using var area = await client.Http.GetAsync("/expert");
        Assert.Equal("/Account/Manage/ChangePassword?returnUrl=%2FAccount%2FAuthenticator%3FreturnUrl%3D%252Fexpert", enroll.RedirectTarget());
        Assert.StartsWith("/Account/Manage/ChangePassword", area.RedirectTarget());

        var changePage = enroll.RedirectTarget();
        var (_, form) = await client.GetAsync(changePage);
        Assert.Contains("data-testid=\"password-change-required\"", form);
        using var wrongCurrent = await client.SubmitAsync(changePage, "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = "not the initial 1", ["Input.NewPassword"] = "my own password 8", ["Input.ConfirmPassword"] = "my own password 8",
        });
        Assert.Equal(HttpStatusCode.OK, wrongCurrent.StatusCode);
        using var changed = await client.SubmitAsync(changePage, "change-password", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = initial, ["Input.NewPassword"] = "my own password 8", ["Input.ConfirmPassword"] = "my own password 8",
        });

        Assert.Equal("/Account/Authenticator?returnUrl=%2Fexpert", changed.RedirectTarget());
        var (status, enrollment) = await client.GetAsync(changed.RedirectTarget());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"totp-secret\"", enrollment);
        await using var scope = portal.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
        Assert.False(user.MustChangePassword);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var audited = await db.AuditEntries.Where(e => e.TargetId == user.Id).Select(e => e.Action).ToListAsync();
        Assert.Contains(AuditActions.CreateAccount, audited);
        Assert.Contains(AuditActions.ChangePassword, audited);
    }

    [Fact]
    public async Task Demo_accounts_and_self_registered_candidates_keep_their_password()
    {
        using var client = new BrowserlessClient(portal);
        using (var signIn = await client.SignInAsync("candidate@scoreportal.demo", portal.DemoPassword))
            Assert.Equal("/", signIn.RedirectTarget());

        using var me = await client.Http.GetAsync("/me");

        Assert.DoesNotContain("ChangePassword", me.Headers.Location?.ToString() ?? "");
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Users.AnyAsync(u => u.Email!.EndsWith("@scoreportal.demo") && u.MustChangePassword));
    }

    private async Task<(RevalidatingIdentityAuthenticationStateProvider Circuit, CircuitActivity Activity, ClaimsPrincipal User)> OpenCircuitAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        var user = await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByEmailAsync(email))!);
        // A circuit's sign-in came from a cookie, and every sign-in cookie names its session.
        var sessionId = await portal.Services.GetRequiredService<ScorePortal.Account.Sessions.AccountSessions>()
            .StartAsync(signIn.UserManager.GetUserId(user)!, new Microsoft.AspNetCore.Http.DefaultHttpContext());
        ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(ScorePortal.Account.Sessions.AccountSessions.ClaimType, sessionId));
        var activity = new CircuitActivity(portal.Clock);
        var circuit = new RevalidatingIdentityAuthenticationStateProvider(portal.Services.GetRequiredService<ILoggerFactory>(),
            portal.Services.GetRequiredService<IServiceScopeFactory>(), portal.Services.GetRequiredService<IOptions<IdentityOptions>>(),
            activity, portal.Clock, portal.Services.GetRequiredService<ScorePortal.Account.Admin.OpenCircuits>());
        return (circuit, activity, user);
    }

    [Fact]
    public async Task An_open_admin_circuit_loses_its_sign_in_when_the_admin_role_is_removed()
    {
        var email = $"admin.{Guid.NewGuid():N}@example.org";
        Assert.Equal(0, (await RunAsync("create-account", "--email", email, "--role", "Admin")).ExitCode);
        var (circuit, _, admin) = await OpenCircuitAsync(email);
        Assert.True(await circuit.IsStillValidAsync(admin));

        Assert.Equal(0, (await RunAsync("roles", "--email", email, "--remove", "Admin", "--add", "Candidate")).ExitCode);

        Assert.False(await circuit.IsStillValidAsync(admin));
        // The change rotated the security stamp, so every cookie of the account fails its next check too.
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var stamp = await users.GetSecurityStampAsync((await users.FindByEmailAsync(email))!);
        Assert.NotEqual(admin.FindFirstValue(portal.Services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType), stamp);
    }

    [Fact]
    public async Task An_admin_circuit_idle_for_twenty_minutes_loses_its_sign_in_while_a_used_one_and_a_candidates_do_not()
    {
        var (adminCircuit, adminActivity, admin) = await OpenCircuitAsync("admin2@scoreportal.demo");
        var (candidateCircuit, _, candidate) = await OpenCircuitAsync("candidate@scoreportal.demo");

        portal.Clock.Advance(TimeSpan.FromMinutes(15));
        adminActivity.RecordActivity(); // a click in the circuit
        portal.Clock.Advance(TimeSpan.FromMinutes(15));
        var usedAfterThirtyMinutes = await adminCircuit.IsStillValidAsync(admin);
        portal.Clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True(usedAfterThirtyMinutes);
        Assert.False(await adminCircuit.IsStillValidAsync(admin));
        Assert.True(await candidateCircuit.IsStillValidAsync(candidate));
    }

    [GeneratedRegex("data-testid=\"totp-secret\">([a-z0-9 ]+)<")]
    private static partial Regex Secret();
}
