using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Notices;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// Sends one reminder (outbox kind <see cref="MailKind"/>; payload: ids only, the address stays in its encrypted row).
/// It is written at its turn, in the subscriber's language, with a link to /lookup (never a score) and the
/// subscription's own unsubscribe link and RFC 8058 headers. A subscription that ended since it was queued, or a run
/// that was cancelled, gets nothing; a send already made is not made again (<see cref="ReminderSend.SentAt"/>), and a
/// crash between the server's acceptance and that mark repeats it with the same Message-Id.
/// </summary>
public sealed class ReminderMailHandler(IDbContextFactory<ScorePortalDbContext> dbFactory, ReminderLinks links, Notices notices, IEmailSender email, TimeProvider time)
    : IOutboxHandler
{
    public const string MailKind = "ReminderMail";

    public string Kind => MailKind;

    /// <summary>The payload: which run, which subscription.</summary>
    public sealed record Mail(long RunId, long SubscriptionId);

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = JsonSerializer.Deserialize<Mail>(message.Payload, JsonSerializerOptions.Web)
                   ?? throw new PermanentDeliveryException("Empty reminder payload.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var send = await db.ReminderSends.AsNoTracking()
            .Where(s => s.RunId == mail.RunId && s.SubscriptionId == mail.SubscriptionId)
            .Select(s => new { s.SentAt, Cancelled = db.ReminderRuns.Any(r => r.Id == s.RunId && r.CancelledAt != null) })
            .FirstOrDefaultAsync(cancellationToken);
        if (send is null || send.SentAt is not null || send.Cancelled) return;
        var subscription = await db.ReminderSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == mail.SubscriptionId, cancellationToken);
        if (subscription is not { Status: ReminderStatus.Confirmed }) return;
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.Id == subscription.ExamSessionId)
            .Select(s => new { s.NameZh, s.NameEn }).FirstAsync(cancellationToken);

        var baseUrl = links.Base();
        var rendered = notices.RenderEmail(subscription.Email, subscription.Culture, ReminderNotices.Released(
            new Uri(baseUrl, "lookup"), ReminderNotices.SessionName(subscription.Culture, session.NameZh, session.NameEn),
            links.UnsubscribeUrl(baseUrl, subscription)));
        await email.SendAsync(rendered with { Headers = links.UnsubscribeHeaders(baseUrl, subscription) },
            $"reminder-{mail.RunId}.{mail.SubscriptionId}", cancellationToken);

        var now = time.GetUtcNow();
        await db.ReminderSends.Where(s => s.RunId == mail.RunId && s.SubscriptionId == mail.SubscriptionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SentAt, now), CancellationToken.None);
    }
}
