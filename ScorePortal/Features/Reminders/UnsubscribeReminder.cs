using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// The unsubscribe link of every reminder mail (the page's button, or the mail client's RFC 8058 one-click POST): the
/// subscription the token was made for ends, and sends already queued for it are dropped when their turn comes
/// (<see cref="ReminderMailHandler"/>). A token opens only its own subscription; any other answer is
/// <see cref="ReminderLinkOutcome.Invalid"/> and changes nothing.
/// </summary>
public sealed class UnsubscribeReminder(IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderLinks links, AuditLog audit, TimeProvider time)
{
    public async Task<ReminderLinkOutcome> HandleAsync(ReminderLinkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = await db.ReminderSubscriptions.FirstOrDefaultAsync(s => s.Id == request.SubscriptionId, ct);
        ReminderLinkOutcome outcome;
        if (subscription is null || !links.Verify(ReminderLinks.UnsubscribePurpose, subscription.Id, subscription.RowKey, request.Token))
            outcome = ReminderLinkOutcome.Invalid;
        else if (subscription.Status == ReminderStatus.Unsubscribed)
            outcome = ReminderLinkOutcome.AlreadyDone;
        else
        {
            subscription.Status = ReminderStatus.Unsubscribed;
            subscription.UnsubscribedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            outcome = ReminderLinkOutcome.Done;
        }
        await audit.WriteAsync(new AuditRecord(AuditActions.ReminderUnsubscribe, TargetType: "ReminderSubscription",
            TargetId: outcome == ReminderLinkOutcome.Invalid ? null : subscription!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.Source, Data: new Dictionary<string, string?> { ["outcome"] = outcome.ToString() }), ct);
        return outcome;
    }
}
