using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// <c>create-account</c> and <c>roles</c>: how staff, expert and admin accounts come to exist and change roles (there
/// is no self-registration for them). They need no admin's code: the first admin of an installation is made this way,
/// by whoever runs the server; every use is audited with the operating-system user. An account made here gets a
/// random initial password, printed once, that must be changed at first sign-in (<see cref="PasswordChangeGate"/>),
/// and, being privileged, enrolls an authenticator then. A change of roles rotates the security stamp
/// (<see cref="PortalUserManager"/>): sessions and open circuits of the account lose the old roles within a minute.
/// </summary>
public static class AccountCommands
{
    public static readonly PortalCommand Create = new("create-account",
        "Create a staff, expert or admin account with a one-time initial password: --email EMAIL --role Staff|Expert|Admin [--province 11] [--name \"...\"]",
        CreateAsync);

    public static readonly PortalCommand ChangeRoles = new("roles",
        "Add or remove a role of an account: --email EMAIL [--add ROLE] [--remove ROLE]", ChangeRolesAsync);

    public static IEnumerable<PortalCommand> All => [Create, ChangeRoles];

    private static async Task<int> CreateAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var email = args.Get("email")?.Trim();
        var role = Roles.All.FirstOrDefault(r => string.Equals(r, args.Get("role"), StringComparison.OrdinalIgnoreCase));
        if (string.IsNullOrEmpty(email) || role is null || role == Roles.Candidate)
        {
            output.WriteLine(Create.Description + " (candidates register themselves at /Account/Register)");
            return 2;
        }
        var province = args.Get("province");
        if (role == Roles.Staff && (province is null || province.Length != 2 || !province.All(char.IsAsciiDigit)))
        {
            output.WriteLine("--province <two-digit code> is required for a staff account.");
            return 2;
        }

        var users = services.GetRequiredService<UserManager<ApplicationUser>>();
        var password = InitialPassword();
        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = args.Get("name"),
            ProvinceCode = role == Roles.Staff ? province : null,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
            MustChangePassword = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            output.WriteLine("Not created: " + string.Join(" ", created.Errors.Select(e => e.Description)));
            return 1;
        }
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            output.WriteLine("Not created: " + string.Join(" ", added.Errors.Select(e => e.Description)));
            return 1;
        }
        await services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord(AuditActions.CreateAccount,
            TargetType: "user", TargetId: user.Id, Data: new Dictionary<string, string?> { ["role"] = role }));
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
        var result = IdentityResult.Success;
        if (remove is not null && await users.IsInRoleAsync(user, remove)) result = await users.RemoveFromRoleAsync(user, remove);
        if (result.Succeeded && add is not null && !await users.IsInRoleAsync(user, add)) result = await users.AddToRoleAsync(user, add);
        await services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord(AuditActions.ChangeRoles,
            TargetType: "user", TargetId: user.Id,
            Data: new Dictionary<string, string?> { ["added"] = add, ["removed"] = remove, ["result"] = result.Succeeded ? "success" : "refused" }));
        if (!result.Succeeded)
        {
            output.WriteLine(string.Join(" ", result.Errors.Select(e => e.Description)));
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
