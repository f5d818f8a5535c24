using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Enterprises.Admin;

public sealed record ResendEnterpriseInviteRequest(int EnterpriseId, string UserId, string? Culture, string AdminUserId, Uri RequestBase);

/// <summary>
/// An admin sends a member's invitation again (<see cref="ResendInvite"/>: earlier links stop working). Only for an
/// account that is a member of this enterprise and has not accepted yet.
/// </summary>
public sealed class ResendEnterpriseInvite(IDbContextFactory<ScorePortalDbContext> dbFactory, ResendInvite resend, AuditLog audit)
{
    public const string NotMember = "EnterpriseAdmin.Error.NotMember";

    public async Task<InviteOutcome> HandleAsync(ResendEnterpriseInviteRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.EnterpriseMembers.AnyAsync(m => m.UserId == request.UserId && m.EnterpriseId == request.EnterpriseId, ct))
                return InviteOutcome.Refused("", NotMember);
        }
        var outcome = await resend.HandleAsync(new ResendInviteRequest(request.UserId, request.Culture, InviteEnterpriseMember.LandingPath,
            request.AdminUserId, request.RequestBase), ct);
        if (outcome.Succeeded)
            await audit.WriteDurableAsync(EnterpriseAudit.Member(AuditActions.EnterpriseMemberResend, request.AdminUserId, request.EnterpriseId,
                request.UserId), CancellationToken.None);
        return outcome;
    }
}
