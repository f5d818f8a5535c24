using Microsoft.AspNetCore.Identity;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>
/// A disabled account is locked out with no end (Identity's lockout, which sign-in, the cookie check and the circuit
/// check already refuse), as opposed to the 15-minute lockout after wrong second-factor codes. <see cref="PortalUserManager"/>
/// keeps a wrong code from shortening it.
/// </summary>
public static class DisabledAccounts
{
    public static readonly DateTimeOffset Forever = DateTimeOffset.MaxValue;

    public static bool IsDisabled(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return IsDisabled(user.LockoutEnd);
    }

    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end.Year >= 9999;

    /// <summary>The ids of the enabled admins (few: read whole, filtered here, so every provider agrees on the lockout test).</summary>
    public static async Task<IReadOnlyList<string>> EnabledAdminIdsAsync(UserManager<ApplicationUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        return (await users.GetUsersInRoleAsync(Roles.Admin)).Where(u => !IsDisabled(u)).Select(u => u.Id).ToList();
    }
}
