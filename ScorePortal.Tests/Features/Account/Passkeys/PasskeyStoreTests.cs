using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account;
using ScorePortal.Account.Passkeys;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Account.Passkeys;

/// <summary>Identity's passkey store through the portal's own <see cref="PortalUserStore"/>, on the real SQLite file.</summary>
public sealed class PasskeyStoreTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<(AsyncServiceScope Scope, UserManager<ApplicationUser> Users, ApplicationUser User)> AccountAsync()
    {
        var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = $"pk-{Guid.NewGuid():N}@example.org", Email = $"pk-{Guid.NewGuid():N}@example.org" };
        Assert.True((await users.CreateAsync(user, "correct horse battery 1")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Candidate)).Succeeded);
        return (scope, users, user);
    }

    [Fact]
    public async Task The_portal_store_keeps_adds_renames_finds_and_removes_passkeys()
    {
        var (scope, users, user) = await AccountAsync();
        await using var _ = scope;
        using var first = new SoftwarePasskey();
        using var second = new SoftwarePasskey();

        Assert.IsType<PortalUserStore>(scope.ServiceProvider.GetRequiredService<IUserStore<ApplicationUser>>());
        Assert.True(users.SupportsUserPasskey);

        Assert.True((await users.AddOrUpdatePasskeyAsync(user, first.Info("手机"))).Succeeded);
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, second.Info("Laptop"))).Succeeded);
        var stored = await users.GetPasskeysAsync(user);
        Assert.Equal(["Laptop", "手机"], stored.Select(p => p.Name!).Order(StringComparer.Ordinal));

        // Found by its credential id alone (sign-in without an email), and as this account's.
        Assert.Equal(user.Id, (await users.FindByPasskeyIdAsync(first.CredentialId))?.Id);
        var found = await users.GetPasskeyAsync(user, first.CredentialId);
        Assert.NotNull(found);

        // Renaming writes the same row again under the same credential id.
        found.Name = "工作手机";
        Assert.True((await users.AddOrUpdatePasskeyAsync(user, found)).Succeeded);
        Assert.Equal("工作手机", (await users.GetPasskeyAsync(user, first.CredentialId))?.Name);
        Assert.Equal(2, (await users.GetPasskeysAsync(user)).Count);

        Assert.True((await users.RemovePasskeyAsync(user, first.CredentialId)).Succeeded);
        Assert.Null(await users.FindByPasskeyIdAsync(first.CredentialId));
        Assert.Equal(["Laptop"], (await users.GetPasskeysAsync(user)).Select(p => p.Name!));
    }

    [Fact]
    public async Task One_account_never_sees_or_removes_another_accounts_passkey()
    {
        var (scope, users, owner) = await AccountAsync();
        await using var _ = scope;
        var (otherScope, otherUsers, other) = await AccountAsync();
        await using var __ = otherScope;
        using var passkey = new SoftwarePasskey();
        Assert.True((await users.AddOrUpdatePasskeyAsync(owner, passkey.Info("owner's"))).Succeeded);

        Assert.Null(await otherUsers.GetPasskeyAsync(other, passkey.CredentialId));
        Assert.Empty(await otherUsers.GetPasskeysAsync(other));
        await otherUsers.RemovePasskeyAsync(other, passkey.CredentialId);
        Assert.Equal(owner.Id, (await users.FindByPasskeyIdAsync(passkey.CredentialId))?.Id);
    }

    [Theory]
    [InlineData("scores.example.org", true)]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("[::1]", false)]
    [InlineData("https://scores.example.org", false)]
    [InlineData("scores.example.org:443", false)]
    [InlineData("", false)]
    public void The_relying_party_id_is_a_host_name_never_an_address(string domain, bool valid) =>
        Assert.Equal(valid, PasskeysOptions.IsValidDomain(domain));

    [Fact]
    public void Production_names_a_missing_or_foreign_passkey_domain()
    {
        var publicBase = new Uri("https://scores.example.org/");
        Assert.Null(ProductionStartupChecks.PasskeyDomainProblem("scores.example.org", publicBase));
        Assert.Null(ProductionStartupChecks.PasskeyDomainProblem("example.org", publicBase));
        Assert.Contains("Passkeys:ServerDomain", ProductionStartupChecks.PasskeyDomainProblem(null, publicBase));
        Assert.Contains("Passkeys:ServerDomain", ProductionStartupChecks.PasskeyDomainProblem("203.0.113.7", publicBase));
        Assert.Contains("Portal:PublicBaseUrl", ProductionStartupChecks.PasskeyDomainProblem("other.example.net", publicBase));
        Assert.Contains("Portal:PublicBaseUrl", ProductionStartupChecks.PasskeyDomainProblem("ample.org", publicBase));
    }
}
