using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record RemoveEnterpriseMemberRequest(int EnterpriseId, string UserId, string AdminUserId);

/// <summary>
/// An admin removes a person from an enterprise. The account existed only to act for it (an invitation made it), so it
/// is deleted with its membership, and the person's name and address with it; an account that also holds another role
/// (given later on the command line) keeps it and loses only the Enterprise role. Either way the enterprise's pages
/// resolve the enterprise from the membership on every request, so access ends at once, and the security stamp
/// changes, so open sessions lose the role at their next check.
/// </summary>
public sealed class RemoveEnterpriseMember(IDbContextFactory<ScorePortalDbContext> dbFactory, IServiceScopeFactory scopes, AuditLog audit)
{
    public async Task<EditResult> HandleAsync(RemoveEnterpriseMemberRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await check.EnterpriseMembers.AnyAsync(m => m.UserId == request.UserId && m.EnterpriseId == request.EnterpriseId, ct))
                return EditResult.Refused("", ResendEnterpriseInvite.NotMember);
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var user = await users.FindByIdAsync(request.UserId);
        var outcome = await db.InTransactionAsync<string?>(async (transaction, ct) =>
        {
            string outcome;
            var removed = await db.EnterpriseMembers.Where(m => m.UserId == request.UserId && m.EnterpriseId == request.EnterpriseId).ExecuteDeleteAsync(ct);
            if (removed == 0) return null; // removed meanwhile
            if (user is null)
            {
                outcome = "membership-only";
            }
            else if ((await users.GetRolesAsync(user)).All(r => r == Roles.Enterprise))
            {
                Ensure(await users.DeleteAsync(user));
                outcome = "account-deleted";
            }
            else
            {
                Ensure(await users.RemoveFromRoleAsync(user, Roles.Enterprise));
                outcome = "role-removed";
            }
            await transaction.CommitAsync(ct);
            return outcome;
        }, ct);
        if (outcome is null) return EditResult.Refused("", ResendEnterpriseInvite.NotMember);
        await audit.WriteDurableAsync(EnterpriseAudit.Member(AuditActions.EnterpriseMemberRemove, request.AdminUserId, request.EnterpriseId,
            request.UserId, new Dictionary<string, string?> { ["result"] = outcome }), CancellationToken.None);
        return new EditResult([]);
    }

    private static void Ensure(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("The member's account could not be changed: " + string.Join(", ", result.Errors.Select(e => e.Code)));
    }
}
