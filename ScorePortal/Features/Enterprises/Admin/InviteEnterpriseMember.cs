using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Account;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Admin;

/// <param name="Culture">The language of the invitation (zh-CN or en-US).</param>
/// <param name="RequestBase">The portal's address as the admin reached it (links use <c>Portal:PublicBaseUrl</c> when set).</param>
public sealed record InviteEnterpriseMemberRequest(int EnterpriseId, string? Email, string? DisplayName, string? Culture, string AdminUserId,
    Uri RequestBase);

/// <summary>
/// An admin invites a person to act for an enterprise: <see cref="InviteUser"/> with the Enterprise role, plus the
/// <see cref="EnterpriseMember"/> row that says which enterprise, in the same transaction (an account never exists
/// without its enterprise, nor a membership without its account and email). The person sets a password through the
/// emailed link, enrolls an authenticator, and lands on <c>/enterprise</c>.
/// </summary>
public sealed class InviteEnterpriseMember(IDbContextFactory<ScorePortalDbContext> dbFactory, InviteUser invite, AuditLog audit, TimeProvider time,
    ILookupNormalizer normalizer)
{
    public const string LandingPath = "/enterprise";
    public const string AlreadyMember = "EnterpriseAdmin.Error.AlreadyMember";

    public async Task<InviteOutcome> HandleAsync(InviteEnterpriseMemberRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Enterprises.AnyAsync(e => e.Id == request.EnterpriseId, ct)) return InviteOutcome.Refused("", UpdateEnterprise.NotFound);
            // One of this enterprise's own people (listed on the same page): say so, and where "send again" is.
            var normalized = normalizer.NormalizeEmail(request.Email?.Trim());
            if (normalized is { Length: > 0 }
                && await db.EnterpriseMembers.AnyAsync(m => m.EnterpriseId == request.EnterpriseId
                    && db.Users.Any(u => u.Id == m.UserId && u.NormalizedEmail == normalized), ct))
                return InviteOutcome.Refused("Email", AlreadyMember);
        }

        var outcome = await invite.HandleAsync(
            new InviteUserRequest(request.Email, request.DisplayName, [Roles.Enterprise], request.Culture, LandingPath, request.AdminUserId, request.RequestBase),
            (db, user, token) =>
            {
                db.EnterpriseMembers.Add(new EnterpriseMember
                {
                    UserId = user.Id, EnterpriseId = request.EnterpriseId, AddedAt = time.GetUtcNow(), AddedBy = request.AdminUserId,
                });
                return Task.CompletedTask;
            }, ct);
        if (outcome.Succeeded)
            await audit.WriteDurableAsync(EnterpriseAudit.Member(AuditActions.EnterpriseMemberInvite, request.AdminUserId, request.EnterpriseId,
                outcome.UserId), CancellationToken.None);
        return outcome;
    }
}
