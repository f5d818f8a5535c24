using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Account;

/// <param name="Email">The address typed on /Account/ForgotPassword (checked for form by the page).</param>
/// <param name="ResetPage">The absolute address of /Account/ResetPassword the link opens.</param>
/// <param name="Source">The client's limit key, for the audit log.</param>
public sealed record PasswordResetRequest(string Email, Uri ResetPage, string? Source);

/// <summary>
/// "I forgot my password": mails a single-use, short-lived link to the account with that address. The answer is the
/// same whatever happened (the page says "if an account uses this address, a link is on its way"): an unknown address,
/// an account over its hourly mail limit, an invited account without a password yet, a sent link — only the audit log
/// tells them apart. Per client address, the page's framework rate-limiter policy applies (PublicFormLimits).
/// </summary>
public sealed class RequestPasswordReset(UserManager<ApplicationUser> users, ScorePortalDbContext db, AccountLinks links, Notices notices,
    ILimitsStore limits, IOptions<SelfServiceOptions> options, AuditLog audit)
{
    /// <summary>What happened, for the audit log and tests; the person sees the same answer for each.</summary>
    public async Task<string> HandleAsync(PasswordResetRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await users.FindByEmailAsync(request.Email.Trim());
        string outcome;
        if (user is null) outcome = "unknown-address";
        else if (user.PasswordHash is null) outcome = "no-password"; // an invitation not accepted yet: its own link sets the password
        else if (await limits.IncrementAsync("pwreset:acct:" + AccountLinks.AccountKey(user.Id), TimeSpan.FromHours(1))
                 > options.Value.PasswordResetsPerAccountPerHour) outcome = "limited-account";
        else
        {
            var lifetime = options.Value.PasswordResetLinkLifetime;
            var code = links.Create(AccountLinks.PasswordReset, user, lifetime);
            var link = $"{request.ResetPage.AbsoluteUri}?userId={Uri.EscapeDataString(user.Id)}&code={Uri.EscapeDataString(code)}";
            notices.Send(db, new NoticeRecipient(user.Email!, CultureInfo.CurrentUICulture.Name), SelfServiceNotices.PasswordReset(link, lifetime));
            await db.SaveChangesAsync(ct);
            outcome = "sent";
        }
        await audit.WriteDurableAsync(new(AuditActions.PasswordResetRequest, TargetType: "user", TargetId: user?.Id, SourceIp: request.Source,
            Data: new Dictionary<string, string?> { ["outcome"] = outcome }));
        return outcome;
    }
}
