using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <param name="Approve">True gives the admin role (or sends the new admin's invitation), false refuses it.</param>
/// <param name="RequestBase">The portal's address as the admin reached it, for the invitation of a new account.</param>
public sealed record DecideAdminGrantRequest(int GrantId, bool Approve, AccountActor Actor, Uri RequestBase);

/// <summary>
/// The second admin decides on a pending <see cref="AdminGrant"/>: never the admin who asked for it, always with a
/// fresh authenticator code. As for batches, the conditional update (pending, and not asked by this admin) is the check
/// that counts, so two deciders at once cannot both succeed. Approval gives the existing account the admin role (its
/// stamp rotates; the holder is told) or sends the invitation of the new admin account, in the same transaction.
/// </summary>
public sealed class DecideAdminGrant(IServiceScopeFactory scopes, InviteUser invite, Notices notices, AuditLog audit, OpenCircuits circuits,
    TimeProvider time)
{
    public async Task<AccountAdminResult> HandleAsync(DecideAdminGrantRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Actor.IsCommandLine) throw new ArgumentException("A grant is decided by a second admin in the portal.", nameof(request));
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var grant = await db.AdminGrants.AsNoTracking().FirstOrDefaultAsync(g => g.Id == request.GrantId, ct);
        if (await ActingAdmin.CheckAsync(users, audit, request.Actor, AuditActions.AdminGrantDecide, grant?.UserId) is { } denied)
            return AccountAdminResult.Refused(denied, "Code");

        var refused = grant switch
        {
            null => AccountAdminErrors.NotFound,
            { Status: not AdminGrantStatus.Pending } => AccountAdminErrors.GrantNotPending,
            _ when grant.RequestedBy == request.Actor.UserId || grant.UserId == request.Actor.UserId => AccountAdminErrors.OwnGrant,
            _ => null,
        };
        if (refused is not null) return await RefuseAsync(request, grant, refused);

        var actorId = request.Actor.UserId!;
        var decision = request.Approve ? AdminGrantStatus.Approved : AdminGrantStatus.Refused;
        Task<int> DecideAsync(ScorePortalDbContext context, CancellationToken token) =>
            context.AdminGrants.Where(g => g.Id == request.GrantId && g.Status == AdminGrantStatus.Pending && g.RequestedBy != actorId)
                .ExecuteUpdateAsync(set => set.SetProperty(g => g.Status, decision).SetProperty(g => g.DecidedBy, actorId)
                    .SetProperty(g => g.DecidedAt, time.GetUtcNow()), token);

        string? userId = grant!.UserId;
        if (!request.Approve || grant.UserId is not null)
        {
            var user = grant.UserId is null ? null : await users.FindByIdAsync(grant.UserId);
            if (request.Approve && (user is null || DisabledAccounts.IsDisabled(user))) return await RefuseAsync(request, grant, AccountAdminErrors.NotFound);
            var decided = await db.InTransactionAsync(async (transaction, ct) =>
            {
                // Not decided: rolled back here, as the audit log writes on its own connection.
                if (await DecideAsync(db, ct) == 0) return false;
                if (request.Approve && !await users.IsInRoleAsync(user!, Roles.Admin))
                {
                    var added = await users.AddToRoleAsync(user!, Roles.Admin); // rotates the stamp
                    if (!added.Succeeded) throw new InvalidOperationException("The admin role could not be given: " + string.Join(", ", added.Errors.Select(e => e.Code)));
                    notices.Tell(db, user!, grant.Culture, AccountAdminNotices.AdminGranted);
                }
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return true;
            }, async ct => await db.AdminGrants.AsNoTracking().AnyAsync(g => g.Id == request.GrantId && g.Status == decision && g.DecidedBy == actorId, ct)
                ? DatabaseTransactions.Committed(true) // decided: a second run would find it "not pending"
                : DatabaseTransactions.NotCommitted<bool>(), ct);
            if (!decided) return await RefuseAsync(request, grant, AccountAdminErrors.GrantNotPending);
        }
        else
        {
            // A new admin account: the invitation and the decision commit together, or neither does.
            InviteOutcome outcome;
            try
            {
                outcome = await invite.HandleAsync(
                    new InviteUserRequest(grant.Email, grant.DisplayName, [Roles.Admin], grant.Culture, CreateStaffAccount.LandingPath(Roles.Admin),
                        actorId, request.RequestBase),
                    async (context, _, token) =>
                    {
                        if (await DecideAsync(context, token) == 0) throw new GrantDecidedMeanwhileException();
                    }, ct);
            }
            catch (GrantDecidedMeanwhileException)
            {
                return await RefuseAsync(request, grant, AccountAdminErrors.GrantNotPending);
            }
            if (!outcome.Succeeded) return AccountAdminResult.Refused(outcome.Errors);
            userId = outcome.UserId;
        }

        await audit.WriteDurableAsync(AccountAdminAudit.Grant(AuditActions.AdminGrantDecide, request.Actor, grant.Id, userId, new()
        {
            ["decision"] = request.Approve ? "approved" : "refused", ["requestedBy"] = grant.RequestedBy, ["result"] = "success",
        }), CancellationToken.None);
        if (request.Approve && grant.UserId is not null) await circuits.RecheckAsync(grant.UserId);
        return new AccountAdminResult([], userId, grant.Id);
    }

    private async Task<AccountAdminResult> RefuseAsync(DecideAdminGrantRequest request, AdminGrant? grant, string error)
    {
        await audit.WriteDurableAsync(AccountAdminAudit.Grant(AuditActions.AdminGrantDecide, request.Actor, request.GrantId, grant?.UserId, new()
        {
            ["decision"] = request.Approve ? "approved" : "refused", ["result"] = AccountAdminErrors.AuditResult(error),
        }), CancellationToken.None);
        return AccountAdminResult.Refused(error);
    }

    /// <summary>Another admin decided first: the invitation's transaction rolls back.</summary>
    private sealed class GrantDecidedMeanwhileException() : InvalidOperationException("The grant was decided meanwhile.");
}
