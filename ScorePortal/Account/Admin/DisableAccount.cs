using Microsoft.AspNetCore.Identity;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <param name="Disable">True disables the account, false enables it again.</param>
/// <param name="Culture">The language of the notice to the account's holder.</param>
public sealed record DisableAccountRequest(string UserId, bool Disable, string? Culture, AccountActor Actor);

/// <summary>
/// Disables an account (no sign-in, its sessions end) or enables it again. Disabled means locked out with no end
/// (<see cref="DisabledAccounts"/>): sign-in refuses it, and the security stamp is rotated, so its cookies fail their
/// next check (every minute) and its open circuits lose their sign-in (at once on this instance, within a minute on
/// the others). An admin cannot disable their own account nor the last enabled admin. Audited; the holder is told.
/// </summary>
public sealed class DisableAccount(IServiceScopeFactory scopes, Notices notices, AuditLog audit, OpenCircuits circuits)
{
    public async Task<AccountAdminResult> HandleAsync(DisableAccountRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = request.Disable ? AuditActions.AccountDisable : AuditActions.AccountEnable;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, action, request.UserId) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        var user = await users.FindByIdAsync(request.UserId);
        if (user is null) return AccountAdminResult.Refused(AccountAdminErrors.NotFound);

        var refused = await db.InTransactionAsync(async (transaction, ct) =>
        {
            string? refused = null;
            // A closed account (Features/Privacy) is pseudonymized and locked for good: never enabled again.
            if (user.ClosedAt is not null) refused = AccountAdminErrors.NotManaged;
            else if (DisabledAccounts.IsDisabled(user) == request.Disable) refused = AccountAdminErrors.AlreadyInState;
            else if (request.Disable && request.Actor.UserId == user.Id) refused = AccountAdminErrors.OwnAccount;
            else if (request.Disable && await users.IsInRoleAsync(user, Roles.Admin)
                     && !(await DisabledAccounts.EnabledAdminIdsAsync(users)).Any(id => id != user.Id))
                refused = AccountAdminErrors.LastAdmin;
            // Refused: rolled back when this returns (the audit log writes on its own connection, after the lock is given back).
            if (refused is not null) return refused;

            if (request.Disable)
            {
                Ensure(await users.SetLockoutEnabledAsync(user, true));
                Ensure(await users.SetLockoutEndDateAsync(user, DisabledAccounts.Forever));
            }
            else
            {
                Ensure(await users.SetLockoutEndDateAsync(user, null));
                Ensure(await users.ResetAccessFailedCountAsync(user));
            }
            Ensure(await users.UpdateSecurityStampAsync(user));
            notices.Tell(db, user, request.Culture, request.Disable ? AccountAdminNotices.Disabled : AccountAdminNotices.Enabled);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return null;
        }, async ct => await CommittedStamp.IsStoredAsync(db, user, ct)
            ? DatabaseTransactions.Committed<string?>(null) // done: a second run would refuse it as "already in that state"
            : DatabaseTransactions.NotCommitted<string?>(), ct);
        if (refused is not null)
        {
            await audit.WriteDurableAsync(AccountAdminAudit.Record(action, request.Actor, user.Id,
                new() { ["result"] = AccountAdminErrors.AuditResult(refused) }), CancellationToken.None);
            return AccountAdminResult.Refused(refused);
        }
        await audit.WriteDurableAsync(AccountAdminAudit.Record(action, request.Actor, user.Id, new() { ["result"] = "success" }), CancellationToken.None);
        await circuits.RecheckAsync(user.Id);
        return new AccountAdminResult([], user.Id);
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The account could not be changed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}
