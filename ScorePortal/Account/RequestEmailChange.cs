using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <param name="ConfirmPage">The absolute address of /Account/ConfirmEmailChange the link opens.</param>
public sealed record EmailChangeRequest(string UserId, string CurrentPassword, string NewEmail, Uri ConfirmPage, string? Source);

public enum EmailChangeRequestOutcome
{
    /// <summary>The page says "a link is on its way to the new address" (also when the address belongs to another account).</summary>
    Sent,
    WrongPassword,
    SameAddress,
    InvalidAddress,
    TooMany,
}

/// <summary>
/// A signed-in person asks to use another email address: with their password (a borrowed session alone cannot move
/// the account to another mailbox), a link goes to the new address, and nothing changes until it is opened there
/// (<see cref="ChangeEmailWithLink"/>). An address that another account uses gets no mail and the same answer, so the
/// form tells nobody which addresses have accounts. Limited per account (limits store) and per client (the page's
/// rate-limiter policy); audited without the addresses.
/// </summary>
public sealed class RequestEmailChange(UserManager<ApplicationUser> users, ScorePortalDbContext db, AccountLinks links, Notices notices,
    ILimitsStore limits, IOptions<SelfServiceOptions> options, AuditLog audit)
{
    public async Task<EmailChangeRequestOutcome> HandleAsync(EmailChangeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await users.FindByIdAsync(request.UserId) ?? throw new InvalidOperationException("The signed-in account does not exist.");
        var email = request.NewEmail.Trim();
        EmailChangeRequestOutcome outcome;
        string detail;
        if (email.Length == 0 || email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
            (outcome, detail) = (EmailChangeRequestOutcome.InvalidAddress, "invalid-address");
        else if (string.Equals(email, user.Email, StringComparison.OrdinalIgnoreCase))
            (outcome, detail) = (EmailChangeRequestOutcome.SameAddress, "same-address");
        else if (await limits.IncrementAsync("emailchange:acct:" + AccountLinks.AccountKey(user.Id), TimeSpan.FromHours(1))
                 > options.Value.EmailChangesPerAccountPerHour)
            (outcome, detail) = (EmailChangeRequestOutcome.TooMany, "limited-account");
        else if (!await users.CheckPasswordAsync(user, request.CurrentPassword))
            (outcome, detail) = (EmailChangeRequestOutcome.WrongPassword, "wrong-password");
        else if (await users.FindByEmailAsync(email) is not null)
            (outcome, detail) = (EmailChangeRequestOutcome.Sent, "address-taken");
        else
        {
            var lifetime = options.Value.EmailChangeLinkLifetime;
            var code = links.Create(AccountLinks.EmailChange, user, lifetime, email);
            var link = $"{request.ConfirmPage.AbsoluteUri}?userId={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}";
            notices.Send(db, new NoticeRecipient(email, CultureInfo.CurrentUICulture.Name), SelfServiceNotices.ConfirmNewEmail(link, lifetime));
            await db.SaveChangesAsync(ct);
            (outcome, detail) = (EmailChangeRequestOutcome.Sent, "sent");
        }
        await audit.WriteDurableAsync(new(AuditActions.EmailChangeRequest, ActorUserId: user.Id, TargetType: "user", TargetId: user.Id,
            SourceIp: request.Source, Data: new Dictionary<string, string?> { ["outcome"] = detail }));
        return outcome;
    }
}
