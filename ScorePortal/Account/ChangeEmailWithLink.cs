using System.Globalization;
using Microsoft.AspNetCore.Identity;
using ScorePortal.Account.Sessions;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

public enum EmailChangeOutcome
{
    Changed,
    LinkInvalid,
    LinkExpired,
    LinkSpent,

    /// <summary>Another account took the address since the link was sent.</summary>
    AddressTaken,
}

/// <summary>
/// The link from the new mailbox makes its address the account's: sign-in name, address and Identity's normalized
/// address (its lookup index) change together, the address counts as confirmed, the security stamp rotates (every other
/// link is spent), the account's other sessions end, and the old address is told (the new one masked), in one
/// transaction with that notice. The link works once and for <see cref="SelfServiceOptions.EmailChangeLinkLifetime"/>.
/// </summary>
public sealed class ChangeEmailWithLink(UserManager<ApplicationUser> users, ScorePortalDbContext db, AccountLinks links, Notices notices,
    AccountSessions sessions, AuditLog audit, ILogger<ChangeEmailWithLink> logger)
{
    /// <param name="keep">The browser's own sign-in when it is this account's: that session stays.</param>
    public async Task<(EmailChangeOutcome Outcome, ApplicationUser? User)> HandleAsync(string? userId, string? code,
        System.Security.Claims.ClaimsPrincipal? keep, string? source, CancellationToken ct = default)
    {
        var user = string.IsNullOrEmpty(userId) || userId.Length > 128 ? null : await users.FindByIdAsync(userId);
        var state = links.Check(AccountLinks.EmailChange, code, user, out var newEmail);
        var outcome = state switch
        {
            AccountLinkState.Valid => EmailChangeOutcome.Changed,
            AccountLinkState.Expired => EmailChangeOutcome.LinkExpired,
            AccountLinkState.Spent => EmailChangeOutcome.LinkSpent,
            _ => EmailChangeOutcome.LinkInvalid,
        };
        if (outcome == EmailChangeOutcome.Changed && await users.FindByEmailAsync(newEmail!) is not null)
            outcome = EmailChangeOutcome.AddressTaken;
        var ended = 0;
        if (outcome == EmailChangeOutcome.Changed)
        {
            var oldEmail = user!.Email!;
            outcome = await db.InTransactionAsync(async (transaction, ct) =>
            {
                var token = await users.GenerateChangeEmailTokenAsync(user, newEmail!);
                var changed = await users.ChangeEmailAsync(user, newEmail!, token);
                if (changed.Succeeded && string.Equals(user.UserName, oldEmail, StringComparison.OrdinalIgnoreCase))
                    changed = await users.SetUserNameAsync(user, newEmail);
                // Not changed: a unique index won a race with another account taking the address.
                if (!changed.Succeeded) return EmailChangeOutcome.AddressTaken;
                notices.Send(db, new NoticeRecipient(oldEmail, CultureInfo.CurrentUICulture.Name),
                    SelfServiceNotices.EmailChanged(Notices.MaskEmail(newEmail!)));
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return EmailChangeOutcome.Changed;
            }, async ct => await CommittedStamp.IsStoredAsync(db, user!, ct)
                ? DatabaseTransactions.Committed(EmailChangeOutcome.Changed) // the old address is told once
                : DatabaseTransactions.NotCommitted<EmailChangeOutcome>(), ct);
            if (outcome == EmailChangeOutcome.Changed)
            {
                var own = keep is not null && users.GetUserId(keep) == user.Id ? keep : null;
                ended = await sessions.EndOthersAsync(user.Id, own, ct);
                logger.LogInformation("Account {UserId} changed its email address", user.Id);
            }
        }
        await audit.WriteDurableAsync(new(AuditActions.EmailChange, ActorUserId: user?.Id, TargetType: "user", TargetId: user?.Id, SourceIp: source,
            Data: new Dictionary<string, string?>
            {
                ["outcome"] = outcome.ToString().ToLowerInvariant(),
                ["sessionsEnded"] = ended.ToString(CultureInfo.InvariantCulture),
            }));
        return (outcome, user);
    }
}
