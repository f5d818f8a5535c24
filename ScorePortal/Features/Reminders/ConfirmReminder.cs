using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Reminders;

/// <param name="SubscriptionId">The <c>s</c> of the link.</param>
/// <param name="Token">The <c>t</c> of the link.</param>
/// <param name="Source">The client's address (the audit log keeps only its keyed hash).</param>
public sealed record ReminderLinkRequest(long SubscriptionId, string? Token, string? Source);

/// <summary>What a link did; a link that opens nothing (wrong token, unknown id) is <see cref="Invalid"/>, whichever.</summary>
public enum ReminderLinkOutcome
{
    Done,
    AlreadyDone,
    Expired,
    Invalid,
}

/// <summary>
/// The confirmation link of the double opt-in: a pending subscription whose last confirmation mail is younger than
/// <see cref="RemindersOptions.ConfirmationLinkLifetime"/> becomes confirmed. Runs on the page's button (a POST), so a
/// mail scanner that opens links confirms nothing.
/// </summary>
public sealed class ConfirmReminder(
    IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderLinks links, IOptions<RemindersOptions> options, AuditLog audit, TimeProvider time)
{
    public async Task<ReminderLinkOutcome> HandleAsync(ReminderLinkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.ReminderSubscriptions.FirstOrDefaultAsync(s => s.Id == request.SubscriptionId, ct);
        ReminderLinkOutcome outcome;
        if (subscription is null || !links.Verify(ReminderLinks.ConfirmPurpose, subscription.Id, subscription.RowKey, request.Token))
            outcome = ReminderLinkOutcome.Invalid;
        else if (subscription.Status == ReminderStatus.Confirmed)
            outcome = ReminderLinkOutcome.AlreadyDone;
        else if (subscription.Status != ReminderStatus.Pending || subscription.ConfirmationSentAt is not { } sent
                 || now - sent > options.Value.ConfirmationLinkLifetime)
            outcome = ReminderLinkOutcome.Expired;
        else
        {
            subscription.Status = ReminderStatus.Confirmed;
            subscription.ConfirmedAt = now;
            await db.SaveChangesAsync(ct);
            outcome = ReminderLinkOutcome.Done;
        }
        await audit.WriteAsync(new AuditRecord(AuditActions.ReminderConfirm, TargetType: "ReminderSubscription",
            TargetId: outcome == ReminderLinkOutcome.Invalid ? null : subscription!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.Source, Data: new Dictionary<string, string?> { ["outcome"] = outcome.ToString() }), ct);
        return outcome;
    }
}
