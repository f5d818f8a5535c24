using Microsoft.AspNetCore.Identity;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <param name="Role">Staff, Expert or Admin.</param>
/// <param name="ProvinceCode">The province of a staff or expert account (GB/T 2260, two digits).</param>
/// <param name="Culture">The language of the invitation.</param>
/// <param name="RequestBase">The portal's address as the admin reached it (links use <c>Portal:PublicBaseUrl</c> when set).</param>
/// <param name="InitialPassword">The command line only: the account gets this password, to be changed at first
/// sign-in, instead of an emailed link (the first admin of an installation may have no mail server yet).</param>
public sealed record CreateStaffAccountRequest(string? Email, string? DisplayName, string? Role, string? ProvinceCode, string? Culture,
    AccountActor Actor, Uri RequestBase, string? InitialPassword = null);

/// <summary>
/// Creates a staff, expert or admin account. From the portal: the invitation of <see cref="InviteUser"/> (the account
/// and a one-time link to set its password, then the person enrolls an authenticator), with the province of a staff or
/// expert account in the same transaction; an admin account waits for a second admin (<see cref="AdminGrant"/>): the
/// invitation leaves when it is approved. From the command line (<c>create-account</c>): the account at once, with an
/// initial password to change at first sign-in. Audited without the address.
/// </summary>
public sealed class CreateStaffAccount(IServiceScopeFactory scopes, InviteUser invite, AuditLog audit, TimeProvider time)
{
    public async Task<AccountAdminResult> HandleAsync(CreateStaffAccountRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.InitialPassword is not null && !request.Actor.IsCommandLine)
            throw new ArgumentException("Only the command line gives an initial password; the portal invites by email.", nameof(request));
        var role = ManagedRoles.All.FirstOrDefault(r => string.Equals(r, request.Role?.Trim(), StringComparison.OrdinalIgnoreCase));
        var province = ManagedRoles.NeedProvince([role ?? ""]) ? request.ProvinceCode?.Trim() : null;

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, AuditActions.CreateAccount, null) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        var errors = new List<EditError>();
        var email = request.Email?.Trim() ?? "";
        if (email.Length == 0) errors.Add(new("Email", "Validation.EmailRequired"));
        else if (!InviteUser.IsEmail(email)) errors.Add(new("Email", "Identity.InvalidEmail"));
        if (request.DisplayName?.Trim() is { Length: > InviteUser.DisplayNameMaxLength })
            errors.Add(new("DisplayName", InviteUser.DisplayNameTooLong, InviteUser.DisplayNameMaxLength));
        if (role is null) errors.Add(new("Role", AccountAdminErrors.RoleRequired));
        else if (await ManagedRoles.CheckProvinceAsync(db, [role], province, ct) is { } provinceError) errors.Add(new("Province", provinceError));
        if (errors.Count > 0) return AccountAdminResult.Refused(errors);

        if (role == Roles.Admin && !request.Actor.IsCommandLine) return await AskForAdminAsync(request, users, db, email, ct);
        if (request.InitialPassword is { } password) return await CreateWithPasswordAsync(request, users, email, role!, province, password);

        var outcome = await invite.HandleAsync(
            new InviteUserRequest(email, request.DisplayName, [role!], request.Culture, LandingPath(role!), request.Actor.UserId!, request.RequestBase),
            (_, user, _) =>
            {
                user.ProvinceCode = province; // saved with the account, its roles and the email
                return Task.CompletedTask;
            }, ct);
        if (!outcome.Succeeded) return AccountAdminResult.Refused(outcome.Errors);
        await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.CreateAccount, request.Actor, outcome.UserId,
            new() { ["role"] = role, ["province"] = province, ["result"] = "invited" }), CancellationToken.None);
        return new AccountAdminResult([], outcome.UserId);
    }

    /// <summary>Where an invited person lands once the password and authenticator are set.</summary>
    public static string LandingPath(string role) => role switch
    {
        Roles.Staff => "/staff",
        Roles.Expert => "/expert",
        _ => "/admin",
    };

    private async Task<AccountAdminResult> AskForAdminAsync(CreateStaffAccountRequest request, UserManager<ApplicationUser> users,
        ScorePortalDbContext db, string email, CancellationToken ct)
    {
        if (await users.FindByEmailAsync(email) is not null) return AccountAdminResult.Refused(InviteUser.EmailInUse, "Email");
        var displayName = request.DisplayName?.Trim();
        var grant = new AdminGrant
        {
            Email = email, DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName, Culture = InviteUser.Culture(request.Culture),
            RequestedBy = request.Actor.UserId!, RequestedAt = time.GetUtcNow(),
        };
        db.AdminGrants.Add(grant);
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(AccountAdminAudit.Grant(AuditActions.AdminGrantRequest, request.Actor, grant.Id, null,
            new() { ["account"] = "new", ["result"] = "pending" }), CancellationToken.None);
        return new AccountAdminResult([], null, grant.Id);
    }

    private async Task<AccountAdminResult> CreateWithPasswordAsync(CreateStaffAccountRequest request, UserManager<ApplicationUser> users,
        string email, string role, string? province, string password)
    {
        var displayName = request.DisplayName?.Trim();
        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName,
            ProvinceCode = province, CreatedAt = time.GetUtcNow(), MustChangePassword = true,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            return AccountAdminResult.Refused(created.Errors.Select(e => new EditError("Email", InviteUser.IdentityRefused, e.Description)).ToList());
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            return AccountAdminResult.Refused(added.Errors.Select(e => new EditError("Role", InviteUser.IdentityRefused, e.Description)).ToList());
        }
        await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.CreateAccount, request.Actor, user.Id,
            new() { ["role"] = role, ["province"] = province, ["result"] = "initial-password" }), CancellationToken.None);
        return new AccountAdminResult([], user.Id);
    }
}
