using Microsoft.AspNetCore.Identity;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Account;

/// <param name="UserId">The invited account.</param>
/// <param name="Culture">The language of the new email (zh-CN or en-US).</param>
/// <param name="LandingPath">Where the person goes once set up, as in the first invitation.</param>
/// <param name="ActorUserId">The admin who sends it again.</param>
/// <param name="RequestBase">The portal's address as the admin reached it; <c>Portal:PublicBaseUrl</c> wins when set.</param>
public sealed record ResendInviteRequest(string UserId, string? Culture, string LandingPath, string ActorUserId, Uri RequestBase);

/// <summary>
/// Sends an invitation again (the first email was lost, or its link expired). The account's security stamp is rotated
/// first, so every earlier link stops working ("replaced") and only the new one opens the form. An invitation that
/// was accepted is not sent again: that person signs in (and resets a lost password the usual way).
/// </summary>
public sealed class ResendInvite(IServiceScopeFactory scopes, InviteUser invite, AuditLog audit)
{
    public const string NotFound = "Account.Invite.NotFound";
    public const string AlreadyAccepted = "Account.Invite.AlreadyAccepted";

    public async Task<InviteOutcome> HandleAsync(ResendInviteRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var user = await users.FindByIdAsync(request.UserId);
        if (user is null) return InviteOutcome.Refused("", NotFound);
        if (IsAccepted(user)) return InviteOutcome.Refused("", AlreadyAccepted);

        var culture = InviteUser.Culture(request.Culture);
        var stale = await db.InTransactionAsync(async (transaction, ct) =>
        {
            var stamped = await users.UpdateSecurityStampAsync(user);
            if (!stamped.Succeeded) return true;
            invite.Send(db, user, culture, request.LandingPath, request.RequestBase);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return false;
        }, async ct => await CommittedStamp.IsStoredAsync(db, user, ct)
            ? DatabaseTransactions.Committed(false) // sent once: a second run would send a second invitation
            : DatabaseTransactions.NotCommitted<bool>(), ct);
        if (stale) return InviteOutcome.Refused("", EditVersion.Stale); // changed meanwhile (accepted, say)
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.InviteResend, ActorUserId: request.ActorUserId, ActorRole: Security.Roles.Admin,
            TargetType: "user", TargetId: user.Id, Data: new Dictionary<string, string?> { ["culture"] = culture }), CancellationToken.None);
        return new InviteOutcome(user.Id, []);
    }

    /// <summary>An invited account has accepted once it has a password (and so a confirmed address).</summary>
    public static bool IsAccepted(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.PasswordHash is not null;
    }
}
