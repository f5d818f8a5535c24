using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <param name="UserId">The account to change.</param>
/// <param name="Roles">The staff-side roles it should have (<see cref="ManagedRoles.All"/>); its other roles stay.</param>
/// <param name="ProvinceCode">The province of a staff or expert account (ignored otherwise).</param>
/// <param name="Culture">The language of the notice to the account's holder.</param>
public sealed record ChangeAccountRolesRequest(string UserId, IReadOnlyCollection<string> Roles, string? ProvinceCode, string? Culture, AccountActor Actor);

/// <summary>
/// Changes the roles and the province of an account. Removing the admin role is refused to the admin themself and
/// when no other enabled admin would remain. Giving it from the portal does not give it: it asks a second admin
/// (<see cref="AdminGrant"/>, decided by <see cref="DecideAdminGrant"/>); the command line (the operator, who makes the
/// first admin) gives it at once. Any change rotates the security stamp (sessions and open circuits lose the old roles
/// within a minute, circuits on this instance at once), is audited, and the holder is told by email.
/// </summary>
public sealed class ChangeAccountRoles(IServiceScopeFactory scopes, Notices notices, AuditLog audit, OpenCircuits circuits, TimeProvider time)
{
    public async Task<AccountAdminResult> HandleAsync(ChangeAccountRolesRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var desired = request.Roles.Select(r => ManagedRoles.All.FirstOrDefault(m => string.Equals(m, r, StringComparison.OrdinalIgnoreCase))
                                                ?? throw new ArgumentException($"Not a role the account pages manage: {r}.", nameof(request)))
            .ToHashSet(StringComparer.Ordinal);

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, AuditActions.ChangeRoles, request.UserId) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        var user = await users.FindByIdAsync(request.UserId);
        if (user is null) return AccountAdminResult.Refused(AccountAdminErrors.NotFound);
        if (await ManagedRoles.CheckProvinceAsync(db, desired, request.ProvinceCode, ct) is { } provinceError)
            return AccountAdminResult.Refused(provinceError, "Province");

        var current = (await users.GetRolesAsync(user)).Intersect(ManagedRoles.All).ToHashSet(StringComparer.Ordinal);
        var add = desired.Except(current).ToList();
        var remove = current.Except(desired).ToList();
        var province = ManagedRoles.NeedProvince(desired) ? request.ProvinceCode!.Trim() : null;
        var provinceChanged = province != user.ProvinceCode;
        var asksAdmin = add.Remove(Roles.Admin) && !request.Actor.IsCommandLine;
        if (request.Actor.IsCommandLine && current.Contains(Roles.Admin) is false && desired.Contains(Roles.Admin)) add.Add(Roles.Admin);

        AdminGrant? grant = null;
        var changed = add.Count > 0 || remove.Count > 0 || provinceChanged;
        var refused = await db.InTransactionAsync(async (transaction, ct) =>
        {
            string? refused = null;
            grant = null;
            if (remove.Contains(Roles.Admin))
            {
                // Read inside the transaction that removes: two admins removing each other at once cannot both succeed.
                if (request.Actor.UserId == user.Id) refused = AccountAdminErrors.OwnAdminRole;
                else if (!(await DisabledAccounts.EnabledAdminIdsAsync(users)).Any(id => id != user.Id)) refused = AccountAdminErrors.LastAdmin;
            }
            if (refused is null && asksAdmin)
            {
                if (await db.AdminGrants.AnyAsync(g => g.UserId == user.Id && g.Status == AdminGrantStatus.Pending, ct))
                    refused = add.Count == 0 && remove.Count == 0 && !provinceChanged ? AccountAdminErrors.GrantPending : null;
                else
                    db.AdminGrants.Add(grant = new AdminGrant
                    {
                        UserId = user.Id, Culture = InviteUser.Culture(request.Culture), RequestedBy = request.Actor.UserId!, RequestedAt = time.GetUtcNow(),
                    });
            }
            // Refused: rolled back when this returns (the audit log writes on its own connection, after the lock is given back).
            if (refused is not null) return refused;

            if (remove.Count > 0) Ensure(await users.RemoveFromRolesAsync(user, remove));
            if (add.Count > 0) Ensure(await users.AddToRolesAsync(user, add));
            if (changed)
            {
                user.ProvinceCode = province;
                Ensure(await users.UpdateSecurityStampAsync(user)); // saves the province with the new stamp
                notices.Tell(db, user, request.Culture, AccountAdminNotices.RolesChanged);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }, async ct => (!changed || await CommittedStamp.IsStoredAsync(db, user, ct))
                       && (grant is not { } asked || await db.AdminGrants.AsNoTracking().AnyAsync(g => g.Id == asked.Id, ct))
            ? DatabaseTransactions.Committed<string?>(null) // done: a second run would fail to remove a role already removed
            : DatabaseTransactions.NotCommitted<string?>(), ct);
        if (refused is not null)
        {
            await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.ChangeRoles, request.Actor, user.Id,
                new() { ["result"] = AccountAdminErrors.AuditResult(refused) }), CancellationToken.None);
            return AccountAdminResult.Refused(refused, "Roles");
        }

        await audit.WriteDurableAsync(AccountAdminAudit.Record(AuditActions.ChangeRoles, request.Actor, user.Id, new()
        {
            ["added"] = string.Join(',', add), ["removed"] = string.Join(',', remove), ["province"] = provinceChanged ? province ?? "-" : null,
            ["result"] = changed ? "success" : "no-change",
        }), CancellationToken.None);
        if (grant is not null)
            await audit.WriteDurableAsync(AccountAdminAudit.Grant(AuditActions.AdminGrantRequest, request.Actor, grant.Id, user.Id,
                new() { ["result"] = "pending" }), CancellationToken.None);
        if (changed) await circuits.RecheckAsync(user.Id);
        return new AccountAdminResult([], user.Id, grant?.Id);
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The account could not be changed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}
