using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Platform.Audit;

/// <summary>
/// Issue #26 item 4: an audit entry promised inside a change's transaction (<see cref="AuditIntent"/>) is in the log
/// exactly once, whether the process that made the change writes it after its commit or stops before that and the
/// outbox worker writes it in its place — never missing, never twice.
/// </summary>
public sealed class AuditIntentTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new();

    public Task InitializeAsync()
    {
        _ = _portal.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<ScorePortalDbContext> DbAsync() =>
        await _portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    /// <summary>A change (here only the intent's own row) committed with the promise of <paramref name="action"/>.</summary>
    private async Task<AuditIntent> CommitChangeAsync(string action)
    {
        await using var db = await DbAsync();
        var log = _portal.Services.GetRequiredService<AuditLog>();
        return await db.InTransactionAsync(async (transaction, ct) =>
        {
            var intent = log.Intend(db, new AuditRecord(action, TargetType: "test", TargetId: "1",
                Data: new Dictionary<string, string?> { ["outcome"] = "done" }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return intent;
        }, CancellationToken.None);
    }

    private async Task<List<AuditEntry>> EntriesAsync(string action)
    {
        await using var db = await DbAsync();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).ToListAsync();
    }

    private async Task<OutboxMessage> IntentRowAsync(string action)
    {
        await using var db = await DbAsync();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.Kind == AuditIntentHandler.Kind).ToListAsync();
        return Assert.Single(rows, m => m.Payload.Contains(action, StringComparison.Ordinal));
    }

    private async Task DeliverAsWorkerAsync(OutboxMessage message) =>
        await _portal.Services.GetServices<IOutboxHandler>().Single(h => h.Kind == AuditIntentHandler.Kind)
            .DeliverAsync(message, CancellationToken.None);

    private async Task AssertChainIntactAsync()
    {
        await _portal.Services.GetRequiredService<AuditLog>().SealAsync();
        var verification = await _portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(verification.Intact, string.Join("; ", verification.Problems));
    }

    /// <summary>
    /// The normal way: written by the caller right after its commit. Must hold: one entry with the record's data, the
    /// intent's row delivered in the same commit, and the worker's later attempt (a row due after the grace) adds nothing.
    /// </summary>
    [Fact]
    public async Task An_intent_written_after_its_commit_is_one_entry_and_the_workers_late_attempt_adds_none()
    {
        const string action = "test.intent-written";
        var intent = await CommitChangeAsync(action);
        var due = await IntentRowAsync(action);
        Assert.Null(due.DeliveredAt);
        Assert.True(due.NextAttemptAt >= due.CreatedAt + _portal.Services.GetRequiredService<AuditLog>().IntentGrace, "the worker waits for the caller first");

        await _portal.Services.GetRequiredService<AuditLog>().CommitIntentAsync(intent);

        var entry = Assert.Single(await EntriesAsync(action));
        Assert.Contains("\"outcome\":\"done\"", entry.DataJson, StringComparison.Ordinal);
        Assert.DoesNotContain("intendedAt", entry.DataJson, StringComparison.Ordinal);
        Assert.NotNull((await IntentRowAsync(action)).DeliveredAt);

        await DeliverAsWorkerAsync(due);
        Assert.Single(await EntriesAsync(action));
        await AssertChainIntactAsync();
    }

    /// <summary>
    /// Fault: the process stops after the change's commit and before its entry is written (a kill -9 in between). Must
    /// hold: the outbox worker, once the row is due, appends the entry (marked with the change's own time as
    /// <c>intendedAt</c>); the caller's write coming late after all adds no second entry; the chain verifies.
    /// </summary>
    [Fact]
    public async Task An_intent_whose_writer_stopped_is_appended_by_the_outbox_worker_exactly_once()
    {
        const string action = "test.intent-recovered";
        var intent = await CommitChangeAsync(action);
        Assert.Empty(await EntriesAsync(action));

        // The grace has passed (the row made due now instead of waiting a minute): the worker's own pass delivers it.
        await using (var db = await DbAsync())
            await db.OutboxMessages.Where(m => m.Id == intent.MessageId)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        await _portal.WaitForOutboxAsync(async () => (await EntriesAsync(action)).Count > 0);

        var entry = Assert.Single(await EntriesAsync(action));
        Assert.Contains("\"intendedAt\":", entry.DataJson, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"done\"", entry.DataJson, StringComparison.Ordinal);
        await _portal.WaitForOutboxAsync(async () => (await IntentRowAsync(action)).DeliveredAt is not null);

        await _portal.Services.GetRequiredService<AuditLog>().CommitIntentAsync(intent);
        Assert.Single(await EntriesAsync(action));
        await AssertChainIntactAsync();
    }

    /// <summary>A change rolled back takes its promise with it: no row, no entry, ever.</summary>
    [Fact]
    public async Task A_rolled_back_change_leaves_no_intent_and_no_entry()
    {
        const string action = "test.intent-rolled-back";
        await using (var db = await DbAsync())
        {
            await db.InTransactionAsync(async (transaction, ct) =>
            {
                _portal.Services.GetRequiredService<AuditLog>().Intend(db, new AuditRecord(action));
                await db.SaveChangesAsync(ct);
                await transaction.RollbackAsync(ct);
            }, CancellationToken.None);
        }
        await using (var db = await DbAsync())
            Assert.DoesNotContain(await db.OutboxMessages.AsNoTracking().Where(m => m.Kind == AuditIntentHandler.Kind).ToListAsync(),
                m => m.Payload.Contains(action, StringComparison.Ordinal));
        Assert.Empty(await EntriesAsync(action));
    }
}
