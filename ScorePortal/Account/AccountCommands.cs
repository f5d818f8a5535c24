using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using ScorePortal.Account.Admin;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// <c>create-account</c> and <c>roles</c>: the server's command line for staff, expert and admin accounts, calling the
/// use cases of the admin area's account pages (<see cref="CreateStaffAccount"/>, <see cref="ChangeAccountRoles"/>) as
/// the operator. They need no admin's code: the first admin of an installation is made this way, by whoever runs the
/// server; every use is audited with the operating-system user, and the last enabled admin cannot lose the role here
/// either. An account made here gets a random initial password, printed once, that must be changed at first sign-in
/// (<see cref="PasswordChangeGate"/>), and, being privileged, enrolls an authenticator then. A change of roles rotates
/// the security stamp: sessions and open circuits of the account lose the old roles within a minute.
/// </summary>
public static class AccountCommands
{
    public static readonly PortalCommand Create = new("create-account",
        "Create a staff, expert or admin account with a one-time initial password: --email EMAIL --role Staff|Expert|Admin [--province 11] [--name \"...\"] (staff and experts need --province)",
        CreateAsync);

    public static readonly PortalCommand ChangeRoles = new("roles",
        "Add or remove a role of an account: --email EMAIL [--add ROLE] [--remove ROLE] [--province 11]", ChangeRolesAsync);

    public static IEnumerable<PortalCommand> All => [Create, ChangeRoles];

    private static async Task<int> CreateAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var email = args.Get("email")?.Trim();
        var role = ManagedRoles.All.FirstOrDefault(r => string.Equals(r, args.Get("role"), StringComparison.OrdinalIgnoreCase));
        if (string.IsNullOrEmpty(email) || role is null)
        {
            output.WriteLine(Create.Description + " (candidates register themselves at /Account/Register)");
            return 2;
        }

        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var password = InitialPassword();
        var result = await services.GetRequiredService<CreateStaffAccount>().HandleAsync(new CreateStaffAccountRequest(email, args.Get("name"), role,
            args.Get("province"), null, AccountActor.CommandLine(), new Uri("http://localhost/"), password));
        if (!result.Succeeded)
        {
            output.WriteLine("Not created: " + string.Join(" ", result.Errors.Select(e => L[e.Key, e.Args].Value)));
            return result.Errors.Any(e => e.Field == "Province") ? 2 : 1;
        }
        output.WriteLine($"Created {role} account {email}. Initial password (shown once; it must be changed at first sign-in):");
        output.WriteLine(password);
        return 0;
    }

    private static async Task<int> ChangeRolesAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var user = args.Get("email") is { } email ? await users.FindByEmailAsync(email.Trim()) : null;
        string? Role(string name) => Roles.All.FirstOrDefault(r => string.Equals(r, args.Get(name), StringComparison.OrdinalIgnoreCase));
        var (add, remove) = (Role("add"), Role("remove"));
        if (user is null || (add is null && remove is null))
        {
            output.WriteLine(ChangeRoles.Description + " (roles: " + string.Join(", ", Roles.All) + ")");
            return 2;
        }

        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var roles = (await users.GetRolesAsync(user)).ToHashSet(StringComparer.Ordinal);
        var desired = roles.Where(r => r != remove).Append(add).OfType<string>().ToHashSet(StringComparer.Ordinal);
        // Staff, expert and admin change through the account pages' use case; candidate and enterprise roles (given by
        // registration and invitations) are added or removed here as they are.
        var managed = desired.Intersect(ManagedRoles.All).ToList();
        var result = await services.GetRequiredService<ChangeAccountRoles>().HandleAsync(new ChangeAccountRolesRequest(user.Id, managed,
            args.Get("province") ?? user.ProvinceCode, null, AccountActor.CommandLine()));
        if (!result.Succeeded)
        {
            output.WriteLine(string.Join(" ", result.Errors.Select(e => L[e.Key, e.Args].Value)));
            return 1;
        }
        // The use case saved through its own scope: this one's copy of the account is stale (its concurrency stamp).
        await using var fresh = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        users = fresh.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        user = (await users.FindByIdAsync(user.Id))!;
        var other = IdentityResult.Success;
        if (remove is not null && !ManagedRoles.All.Contains(remove) && await users.IsInRoleAsync(user, remove)) other = await users.RemoveFromRoleAsync(user, remove);
        if (other.Succeeded && add is not null && !ManagedRoles.All.Contains(add) && !await users.IsInRoleAsync(user, add)) other = await users.AddToRoleAsync(user, add);
        if ((add is not null && !ManagedRoles.All.Contains(add)) || (remove is not null && !ManagedRoles.All.Contains(remove)))
            await services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord(AuditActions.ChangeRoles, TargetType: "user", TargetId: user.Id,
                Data: new Dictionary<string, string?>
                {
                    ["added"] = add is null || ManagedRoles.All.Contains(add) ? null : add,
                    ["removed"] = remove is null || ManagedRoles.All.Contains(remove) ? null : remove,
                    ["via"] = "command-line", ["osUser"] = Environment.UserName, ["result"] = other.Succeeded ? "success" : "refused",
                }));
        if (!other.Succeeded)
        {
            output.WriteLine(string.Join(" ", other.Errors.Select(e => e.Description)));
            return 1;
        }
        output.WriteLine($"{user.Email}: " + string.Join(", ", await users.GetRolesAsync(user)));
        return 0;
    }

    /// <summary>16 characters from a CSPRNG (about 95 bits), with the digit and lower-case letter the rules ask for.</summary>
    private static string InitialPassword()
    {
        const string lower = "abcdefghijkmnpqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789";
        const string all = lower + upper + digits;
        var chars = Enumerable.Range(0, 16).Select(_ => all[RandomNumberGenerator.GetInt32(all.Length)]).ToArray();
        chars[RandomNumberGenerator.GetInt32(8)] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[8 + RandomNumberGenerator.GetInt32(8)] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        return new string(chars);
    }
}
