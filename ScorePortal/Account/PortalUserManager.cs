using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Account.Admin;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// Identity's user manager with two rules of the portal. A change of roles rotates the security stamp, wherever it
/// happens (an admin, a command, the demo seed): open sessions and interactive circuits then revalidate and lose
/// what the old roles gave them (Identity itself leaves the stamp alone on role changes). And an enrollment gets a
/// fresh authenticator secret without rotating the stamp (nothing was granted yet, the session stays valid).
/// </summary>
public sealed class PortalUserManager(
    IUserStore<ApplicationUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<ApplicationUser> passwordHasher,
    IEnumerable<IUserValidator<ApplicationUser>> userValidators,
    IEnumerable<IPasswordValidator<ApplicationUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<ApplicationUser>> logger)
    : UserManager<ApplicationUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<IdentityResult> AddToRoleAsync(ApplicationUser user, string role) =>
        await RotateStampAfterAsync(user, await base.AddToRoleAsync(user, role));

    public override async Task<IdentityResult> AddToRolesAsync(ApplicationUser user, IEnumerable<string> roles) =>
        await RotateStampAfterAsync(user, await base.AddToRolesAsync(user, roles));

    public override async Task<IdentityResult> RemoveFromRoleAsync(ApplicationUser user, string role) =>
        await RotateStampAfterAsync(user, await base.RemoveFromRoleAsync(user, role));

    public override async Task<IdentityResult> RemoveFromRolesAsync(ApplicationUser user, IEnumerable<string> roles) =>
        await RotateStampAfterAsync(user, await base.RemoveFromRolesAsync(user, roles));

    /// <summary>
    /// A wrong code never shortens the lockout of a disabled account (<see cref="DisabledAccounts"/>) to the
    /// 15 minutes of a wrong-code lockout.
    /// </summary>
    public override async Task<IdentityResult> AccessFailedAsync(ApplicationUser user) =>
        DisabledAccounts.IsDisabled(user) ? IdentityResult.Success : await base.AccessFailedAsync(user);

    /// <summary>
    /// A new authenticator secret for an enrollment that has not happened yet: a secret shown earlier (to whoever
    /// held the initial password) never becomes the enrolled one.
    /// </summary>
    public async Task<string> NewEnrollmentKeyAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await GetTwoFactorEnabledAsync(user))
            throw new InvalidOperationException("The authenticator of an enrolled account is replaced with ResetAuthenticatorKeyAsync.");
        var keys = (IUserAuthenticatorKeyStore<ApplicationUser>)Store;
        var key = GenerateNewAuthenticatorKey();
        await keys.SetAuthenticatorKeyAsync(user, key, CancellationToken);
        var saved = await UpdateAsync(user);
        if (!saved.Succeeded)
            throw new InvalidOperationException("The new authenticator key could not be stored: " + string.Join(", ", saved.Errors.Select(e => e.Code)));
        return key;
    }

    private async Task<IdentityResult> RotateStampAfterAsync(ApplicationUser user, IdentityResult result) =>
        result.Succeeded ? await UpdateSecurityStampAsync(user) : result;
}
