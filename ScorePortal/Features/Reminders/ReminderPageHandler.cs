using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// Expands a <see cref="ReminderRun"/> one page at a time (outbox kind <see cref="Kind"/>): the next
/// <see cref="RemindersOptions.PageSize"/> confirmed subscriptions after the run's cursor, by id (keyset paging: one page
/// in memory, whatever the number of subscribers), become <see cref="ReminderSend"/> rows and one small outbox message
/// each (<see cref="ReminderMailHandler"/>), due one after the other at <see cref="RemindersOptions.SendsPerSecond"/>;
/// the cursor and the rate's next slot move on, and the next page is queued for when this page's sends come due, so
/// the outbox never holds much more than a page ahead. All of it is one transaction: a crash repeats the page whole or
/// not at all, and a page message whose <c>After</c> is not the run's cursor any more is a repeat and does nothing.
/// The send rows' key (run, subscription) refuses a second send to anyone.
/// </summary>
public sealed class ReminderPageHandler(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RemindersOptions> options, TimeProvider time)
    : IOutboxHandler
{
    public const string PageKind = "ReminderPage";

    public string Kind => PageKind;

    /// <summary>The page message's payload: the run and the cursor the page starts after.</summary>
    public sealed record Page(long RunId, long After);

    internal static void EnqueuePage(ScorePortalDbContext db, long runId, long after, DateTimeOffset dueAt, DateTimeOffset now)
    {
        var message = db.Enqueue(PageKind, new Page(runId, after));
        message.CreatedAt = now;
        message.NextAttemptAt = dueAt;
    }

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var page = JsonSerializer.Deserialize<Page>(message.Payload, JsonSerializerOptions.Web)
                   ?? throw new PermanentDeliveryException("Empty reminder page payload.");
        await ExpandAsync(page, cancellationToken);
    }

    /// <summary>Expands one page; returns the number of sends it queued (0 for a repeat, a cancelled or a finished run).</summary>
    public async Task<int> ExpandAsync(Page page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        var settings = options.Value;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Inside the execution strategy (Data/DatabaseTransactions): a retry starts afresh and reads the run again.
        var queued = await db.InTransactionAsync(async (tx, ct) =>
        {
            var run = await db.ReminderRuns.FirstOrDefaultAsync(r => r.Id == page.RunId, ct);
            if (run is null || run.Cursor != page.After || run.ExpandedAt is not null || run.CancelledAt is not null) return 0;

            var ids = await db.ReminderSubscriptions.AsNoTracking()
                .Where(s => s.ExamSessionId == run.ExamSessionId && s.Status == ReminderStatus.Confirmed && s.Id > page.After)
                .OrderBy(s => s.Id).Select(s => s.Id).Take(settings.PageSize).ToListAsync(ct);

            var spacing = TimeSpan.FromSeconds(1 / settings.SendsPerSecond);
            var slot = run.NextSendAt > now ? run.NextSendAt : now;
            foreach (var id in ids)
            {
                db.ReminderSends.Add(new ReminderSend { RunId = run.Id, SubscriptionId = id });
                var send = db.Enqueue(ReminderMailHandler.MailKind, new ReminderMailHandler.Mail(run.Id, id));
                send.CreatedAt = now;
                send.NextAttemptAt = slot;
                slot += spacing;
            }
            run.Queued += ids.Count;
            run.NextSendAt = slot;
            if (ids.Count < settings.PageSize)
                run.ExpandedAt = now;
            else
            {
                run.Cursor = ids[^1];
                // The next page comes due with this page's last sends: sends stay in order, and at most a page waits queued.
                EnqueuePage(db, run.Id, run.Cursor, slot - spacing, now);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return ids.Count;
        }, ct);
        db.ChangeTracker.Clear();
        return queued;
    }
}
