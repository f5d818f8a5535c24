using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// The hook on publication, through the result events (Batches never names this feature). A publication's one event
/// becomes one <see cref="ReminderRun"/> and the outbox message of its first page (<see cref="ReminderPageHandler"/>),
/// due at the session's release time or now, whichever is later: nobody is told before the lookup shows the results.
/// A session is reminded once: a further publication of it (a correction) starts no second run while one stands. A
/// retraction cancels the session's runs, so sends not yet made are dropped. Repeats of an event add nothing
/// (<see cref="ReminderRun.EventId"/> is unique).
/// </summary>
public sealed class ReleaseReminders(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time) : IResultChangedSubscriber
{
    public async Task OnResultChangedAsync(ResultChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        switch (change.Kind)
        {
            case ResultChangeKind.Published: await StartAsync(change, cancellationToken); break;
            case ResultChangeKind.Retracted: await CancelAsync(change, cancellationToken); break;
        }
    }

    private async Task StartAsync(ResultChanged change, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ReminderRuns.AnyAsync(r => r.EventId == change.EventId || (r.ExamSessionId == change.SessionId && r.CancelledAt == null), ct)) return;
        var releaseAt = await db.ExamSessions.Where(s => s.Id == change.SessionId).Select(s => (DateTimeOffset?)s.ReleaseAt).FirstOrDefaultAsync(ct);
        if (releaseAt is null) return;
        var startAt = releaseAt.Value > now ? releaseAt.Value : now;
        // Inside the execution strategy (Data/DatabaseTransactions): a retry starts afresh and adds the run again.
        // A lost commit acknowledgement is checked before running again: a second run would be refused by the unique
        // event id and the event delivered again and again.
        long? added = null;
        var run = await db.InTransactionAsync<ReminderRun>(async (tx, ct) =>
        {
            added = null;
            var run = new ReminderRun
            {
                EventId = change.EventId, ExamSessionId = change.SessionId, BatchId = change.BatchId ?? 0, CreatedAt = now, NextSendAt = startAt,
            };
            db.ReminderRuns.Add(run);
            await db.SaveChangesAsync(ct);
            added = run.Id;
            ReminderPageHandler.EnqueuePage(db, run.Id, after: 0, dueAt: startAt, now);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return run;
        }, async ct => added is { } id && await db.ReminderRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.EventId == change.EventId, ct) is { } stored
            ? DatabaseTransactions.Committed(stored)
            : DatabaseTransactions.NotCommitted<ReminderRun>(), ct);
        await audit.WriteAsync(new AuditRecord(AuditActions.ReminderRunStart, TargetType: "ReminderRun",
            TargetId: run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["session"] = change.SessionId.ToString(System.Globalization.CultureInfo.InvariantCulture) }), ct);
    }

    private async Task CancelAsync(ResultChanged change, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.ReminderRuns.Where(r => r.ExamSessionId == change.SessionId && r.BatchId == change.BatchId && r.CancelledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, now), ct);
    }
}
