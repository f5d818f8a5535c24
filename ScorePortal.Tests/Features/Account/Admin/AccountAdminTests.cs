using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScorePortal.Account;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account.Admin;

/// <summary>
/// The account use cases of <c>/admin/accounts</c> against a real SQLite file and real SMTP: a fresh authenticator code
/// for every change, the last and one's own admin role, the two-person rule for the admin role, disabling (sessions
/// and open circuits end) and resetting an authenticator (the holder enrolls again), each told to the holder by email.
/// </summary>
public sealed class AccountAdminTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Admin1 = "admin@scoreportal.demo";
    private const string Admin2 = "admin2@scoreportal.demo";
    private const string Password = "Staff password 2026";
    private static readonly TimeSpan MailWait = TimeSpan.FromSeconds(15);
    private static readonly Uri Base = new("http://localhost/");

    private async Task<ApplicationUser> UserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
    }

    private async Task<IList<string>> RolesAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetRolesAsync((await users.FindByEmailAsync(email))!);
    }

    private async Task<AccountActor> AsAdminAsync(string email) =>
        AccountActor.Admin((await UserAsync(email)).Id, await Authenticators.NextCodeAsync(portal, email));

    private async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> action) where THandler : notnull
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    private async Task<(int ExitCode, string Output)> CommandAsync(string name, params string[] args)
    {
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == name);
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        var exitCode = await command.RunAsync(scope.ServiceProvider, new CommandArguments(args), output);
        return (exitCode, output.ToString());
    }

    /// <summary>A staff member of Guangdong who chose a password (an invitation accepted earlier).</summary>
    private async Task<ApplicationUser> NewStaffAsync()
    {
        var email = $"staff-{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = "44", CreatedAt = portal.Clock.GetUtcNow() };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Staff)).Succeeded);
        return (await users.FindByIdAsync(user.Id))!;
    }

    private async Task<List<string?>> AuditResultsAsync(string action, string targetId)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return (await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetId == targetId).OrderBy(e => e.Id).ToListAsync())
            .Select(e => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(e.DataJson)!.GetValueOrDefault("result")).ToList();
    }

    [Fact]
    public async Task Every_change_asks_for_a_fresh_code_of_an_enabled_admin_and_every_refusal_is_audited()
    {
        var staff = await NewStaffAsync();
        var adminId = (await UserAsync(Admin1)).Id;
        Task<AccountAdminResult> DisableAsync(AccountActor actor) =>
            RunAsync<DisableAccount, AccountAdminResult>(h => h.HandleAsync(new DisableAccountRequest(staff.Id, true, "zh-CN", actor)));

        var noCode = await DisableAsync(AccountActor.Admin(adminId, null));
        var secret = await Authenticators.EnrollAsync(portal, Admin1);
        var wrong = await DisableAsync(AccountActor.Admin(adminId, Authenticators.CodeAt(secret, portal.Clock.GetUtcNow().AddHours(-3))));
        var staffCode = await Authenticators.NextCodeAsync(portal, staff.Email!);
        var notAnAdmin = await DisableAsync(AccountActor.Admin(staff.Id, staffCode));
        var actor = await AsAdminAsync(Admin1);
        var done = await DisableAsync(actor);
        var replayed = await RunAsync<DisableAccount, AccountAdminResult>(h => h.HandleAsync(new DisableAccountRequest(staff.Id, false, "zh-CN", actor)));

        Assert.Equal(AccountAdminErrors.CodeRequired, noCode.ErrorKey);
        Assert.Equal(AccountAdminErrors.WrongCode, wrong.ErrorKey);
        Assert.Equal(AccountAdminErrors.NotAnAdmin, notAnAdmin.ErrorKey);
        Assert.True(done.Succeeded, done.ErrorKey);
        Assert.Equal(AccountAdminErrors.WrongCode, replayed.ErrorKey); // a code (time step) is accepted once
        Assert.True(DisabledAccounts.IsDisabled(await UserAsync(staff.Email!)));
        Assert.Equal(["code-required", "wrong-code", "not-an-admin", "success"], await AuditResultsAsync(AuditActions.AccountDisable, staff.Id));
        Assert.Equal(["wrong-code"], await AuditResultsAsync(AuditActions.AccountEnable, staff.Id));
    }

    [Fact]
    public async Task A_disabled_account_loses_its_open_circuit_at_once_its_cookies_and_sign_in_until_enabled_again_and_is_told_by_email()
    {
        var staff = await NewStaffAsync();
        ClaimsPrincipal principal;
        await using (var scope = portal.Services.CreateAsyncScope())
            principal = await scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>().CreateUserPrincipalAsync(staff);
        using var circuit = new RevalidatingIdentityAuthenticationStateProvider(portal.Services.GetRequiredService<ILoggerFactory>(),
            portal.Services.GetRequiredService<IServiceScopeFactory>(), portal.Services.GetRequiredService<IOptions<IdentityOptions>>(),
            new CircuitActivity(portal.Clock), portal.Clock, portal.Services.GetRequiredService<OpenCircuits>());
        circuit.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        Assert.True((await circuit.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);

        var disabled = await RunAsync<DisableAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new DisableAccountRequest(staff.Id, true, "en-US", await AsAdminAsync(Admin1))));

        Assert.True(disabled.Succeeded, disabled.ErrorKey);
        // No minute to wait on this instance: the open circuit has lost its sign-in already.
        Assert.False((await circuit.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);
        var after = await UserAsync(staff.Email!);
        Assert.NotEqual(staff.SecurityStamp, after.SecurityStamp); // every cookie fails its next check (every minute)
        using (var client = new BrowserlessClient(portal))
        using (var signIn = await client.SignInAsync(staff.Email!, Password))
            Assert.Equal("/Account/Lockout", signIn.RedirectTarget());
        var mail = await portal.Mailbox.WaitForMessageToAsync(staff.Email!, MailWait);
        Assert.Equal("An administrator changed your account", mail.Subject);
        Assert.Contains("disabled your account", mail.TextBody);

        var enabled = await RunAsync<DisableAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new DisableAccountRequest(staff.Id, false, "zh-CN", await AsAdminAsync(Admin2))));
        Assert.True(enabled.Succeeded, enabled.ErrorKey);
        using (var client = new BrowserlessClient(portal))
        using (var signIn = await client.SignInAsync(staff.Email!, Password))
            Assert.StartsWith("/Account/Authenticator", signIn.RedirectTarget()); // signed in, and off to enroll
        Assert.Equal(2, portal.Mailbox.MessagesTo(staff.Email!).Count);
    }

    [Fact]
    public async Task An_admin_keeps_their_own_role_and_account_and_the_last_enabled_admin_cannot_be_removed_even_on_the_command_line()
    {
        var self = await UserAsync(Admin1);
        var ownRole = await RunAsync<ChangeAccountRoles, AccountAdminResult>(async h =>
            await h.HandleAsync(new ChangeAccountRolesRequest(self.Id, [Roles.Staff], "11", "zh-CN", await AsAdminAsync(Admin1))));
        var ownDisable = await RunAsync<DisableAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new DisableAccountRequest(self.Id, true, "zh-CN", await AsAdminAsync(Admin1))));
        var ownReset = await RunAsync<ResetAuthenticator, AccountAdminResult>(async h =>
            await h.HandleAsync(new ResetAuthenticatorRequest(self.Id, "zh-CN", await AsAdminAsync(Admin1))));
        Assert.Equal(AccountAdminErrors.OwnAdminRole, ownRole.ErrorKey);
        Assert.Equal(AccountAdminErrors.OwnAccount, ownDisable.ErrorKey);
        Assert.Equal(AccountAdminErrors.OwnAccount, ownReset.ErrorKey);
        Assert.Contains(Roles.Admin, await RolesAsync(Admin1));

        // Only the operator on the server acts without being an admin: leave one enabled admin and try there.
        List<string> others;
        await using (var scope = portal.Services.CreateAsyncScope())
            others = (await DisabledAccounts.EnabledAdminIdsAsync(scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>()))
                .Where(id => id != self.Id).ToList();
        try
        {
            foreach (var id in others)
                Assert.True((await RunAsync<DisableAccount, AccountAdminResult>(h =>
                    h.HandleAsync(new DisableAccountRequest(id, true, null, AccountActor.CommandLine())))).Succeeded);

            var removed = await CommandAsync("roles", "--email", Admin1, "--remove", "Admin");
            var disabledLast = await RunAsync<DisableAccount, AccountAdminResult>(h =>
                h.HandleAsync(new DisableAccountRequest(self.Id, true, null, AccountActor.CommandLine())));

            Assert.Equal(1, removed.ExitCode);
            Assert.Contains("最后一个启用的管理员", removed.Output);
            Assert.Equal(AccountAdminErrors.LastAdmin, disabledLast.ErrorKey);
            Assert.Contains(Roles.Admin, await RolesAsync(Admin1));
            Assert.Contains("last-admin", await AuditResultsAsync(AuditActions.ChangeRoles, self.Id));
        }
        finally
        {
            foreach (var id in others)
                await RunAsync<DisableAccount, AccountAdminResult>(h => h.HandleAsync(new DisableAccountRequest(id, false, null, AccountActor.CommandLine())));
        }
    }

    [Fact]
    public async Task The_admin_role_waits_for_a_second_admin_who_did_not_ask_for_it_for_existing_and_new_accounts()
    {
        var staff = await NewStaffAsync();
        var asked = await RunAsync<ChangeAccountRoles, AccountAdminResult>(async h =>
            await h.HandleAsync(new ChangeAccountRolesRequest(staff.Id, [Roles.Staff, Roles.Admin], "44", "en-US", await AsAdminAsync(Admin1))));
        Assert.True(asked.Succeeded, asked.ErrorKey);
        Assert.NotNull(asked.AdminGrantId);
        Assert.DoesNotContain(Roles.Admin, await RolesAsync(staff.Email!));
        var again = await RunAsync<ChangeAccountRoles, AccountAdminResult>(async h =>
            await h.HandleAsync(new ChangeAccountRolesRequest(staff.Id, [Roles.Staff, Roles.Admin], "44", "en-US", await AsAdminAsync(Admin1))));
        Assert.Equal(AccountAdminErrors.GrantPending, again.ErrorKey);

        Task<AccountAdminResult> DecideAsync(int grantId, string admin, bool approve) => RunAsync<DecideAdminGrant, AccountAdminResult>(async h =>
            await h.HandleAsync(new DecideAdminGrantRequest(grantId, approve, await AsAdminAsync(admin), Base)));
        var byRequester = await DecideAsync(asked.AdminGrantId!.Value, Admin1, true);
        Assert.Equal(AccountAdminErrors.OwnGrant, byRequester.ErrorKey);
        Assert.DoesNotContain(Roles.Admin, await RolesAsync(staff.Email!));

        var approved = await DecideAsync(asked.AdminGrantId.Value, Admin2, true);
        var twice = await DecideAsync(asked.AdminGrantId.Value, Admin2, false);
        Assert.True(approved.Succeeded, approved.ErrorKey);
        Assert.Equal(AccountAdminErrors.GrantNotPending, twice.ErrorKey);
        Assert.Contains(Roles.Admin, await RolesAsync(staff.Email!));
        Assert.NotEqual(staff.SecurityStamp, (await UserAsync(staff.Email!)).SecurityStamp);
        Assert.Contains("now has the administrator role", (await portal.Mailbox.WaitForMessageToAsync(staff.Email!, MailWait)).TextBody);

        // A new admin account: nothing exists until the second admin approves; then the invitation leaves.
        var email = $"new-admin-{Guid.NewGuid():N}@example.org";
        var created = await RunAsync<CreateStaffAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new CreateStaffAccountRequest(email, "王芳", Roles.Admin, null, "zh-CN", await AsAdminAsync(Admin1), Base)));
        Assert.True(created.Succeeded, created.ErrorKey);
        Assert.Null(created.UserId);
        Assert.Null(await UserAsync(email));
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.Equal(email, (await db.AdminGrants.AsNoTracking().SingleAsync(g => g.Id == created.AdminGrantId)).Email);

        var invited = await DecideAsync(created.AdminGrantId!.Value, Admin2, true);
        Assert.True(invited.Succeeded, invited.ErrorKey);
        var user = await UserAsync(email);
        Assert.Equal(invited.UserId, user.Id);
        Assert.Null(user.PasswordHash);
        Assert.Equal([Roles.Admin], await RolesAsync(email));
        Assert.Contains("/Account/AcceptInvite", (await portal.Mailbox.WaitForMessageToAsync(email, MailWait)).TextBody);
        Assert.Equal(["own-grant", "success", "grant-not-pending"],
            await AuditResultsAsync(AuditActions.AdminGrantDecide, asked.AdminGrantId.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Resetting_an_authenticator_sends_the_holder_to_enroll_again_at_the_next_sign_in()
    {
        var staff = await NewStaffAsync();
        await Authenticators.EnrollAsync(portal, staff.Email!);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.NotNull(await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByIdAsync(staff.Id))!, 10));
        }

        var reset = await RunAsync<ResetAuthenticator, AccountAdminResult>(async h =>
            await h.HandleAsync(new ResetAuthenticatorRequest(staff.Id, "zh-CN", await AsAdminAsync(Admin1))));
        var again = await RunAsync<ResetAuthenticator, AccountAdminResult>(async h =>
            await h.HandleAsync(new ResetAuthenticatorRequest(staff.Id, "zh-CN", await AsAdminAsync(Admin1))));

        Assert.True(reset.Succeeded, reset.ErrorKey);
        Assert.Equal(AccountAdminErrors.NoAuthenticatorToReset, again.ErrorKey);
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByIdAsync(staff.Id))!;
            Assert.False(user.TwoFactorEnabled);
            Assert.Equal(0, await users.CountRecoveryCodesAsync(user));
            Assert.NotEqual(staff.SecurityStamp, user.SecurityStamp);
        }
        using var client = new BrowserlessClient(portal);
        using (var signIn = await client.SignInAsync(staff.Email!, Password))
            Assert.StartsWith("/Account/Authenticator", signIn.RedirectTarget());
        using var area = await client.Http.GetAsync("/staff");
        Assert.StartsWith("/Account/Authenticator", area.RedirectTarget());
        Assert.Contains("重置了您账号的身份验证器", (await portal.Mailbox.WaitForMessageToAsync(staff.Email!, MailWait)).TextBody);
        Assert.Equal(["success", "no-authenticator-to-reset"], await AuditResultsAsync(AuditActions.AccountResetAuthenticator, staff.Id));
    }

    [Fact]
    public async Task Staff_and_experts_are_bound_to_a_known_province_in_the_portal_and_on_the_command_line()
    {
        var email = $"expert-{Guid.NewGuid():N}@example.org";
        var noProvince = await RunAsync<CreateStaffAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new CreateStaffAccountRequest(email, null, Roles.Expert, null, "zh-CN", await AsAdminAsync(Admin1), Base)));
        var unknown = await RunAsync<CreateStaffAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new CreateStaffAccountRequest(email, null, Roles.Expert, "99", "zh-CN", await AsAdminAsync(Admin1), Base)));
        var cli = await CommandAsync("create-account", "--email", email, "--role", "Staff");
        var created = await RunAsync<CreateStaffAccount, AccountAdminResult>(async h =>
            await h.HandleAsync(new CreateStaffAccountRequest(email, "李明", Roles.Expert, "31", "en-US", await AsAdminAsync(Admin1), Base)));

        Assert.Equal(AccountAdminErrors.ProvinceRequired, noProvince.ErrorKey);
        Assert.Equal(AccountAdminErrors.UnknownProvince, unknown.ErrorKey);
        Assert.Equal(2, cli.ExitCode);
        Assert.True(created.Succeeded, created.ErrorKey);
        var user = await UserAsync(email);
        Assert.Equal(("31", "李明", false), (user.ProvinceCode, user.DisplayName, user.EmailConfirmed));
        Assert.Equal([Roles.Expert], await RolesAsync(email));
        Assert.Contains("/Account/AcceptInvite", (await portal.Mailbox.WaitForMessageToAsync(email, MailWait)).TextBody);
        Assert.Equal(["invited"], await AuditResultsAsync(AuditActions.CreateAccount, user.Id));
    }
}
