using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Batches;

/// <summary>
/// Publishes approved batches when their session's release time comes: once at start (a restart after the release
/// time catches up at once) and then every <see cref="BatchOptions.PublishInterval"/> on the injected clock.
/// Several instances may run it: publication claims a batch with a conditional update, so only one succeeds.
/// </summary>
public sealed class BatchPublisher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<BatchOptions> options,
    ILogger<BatchPublisher> logger) : BackgroundService
{
    /// <summary>The actor of scheduled publications in batches and in the audit log.</summary>
    public const string SystemUserId = "system:scheduler";

    private long _runs;

    /// <summary>Completed checks since start (tests wait on it instead of sleeping).</summary>
    public long CompletedRuns => Interlocked.Read(ref _runs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PublishInterval, time);
        try
        {
            do
            {
                try
                {
                    await PublishDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A database hiccup must not end the scheduler: the next tick tries again (publication is atomic).
                    logger.LogError(ex, "Scheduled publication failed; retrying at the next tick");
                }
                Interlocked.Increment(ref _runs);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes every approved batch whose release time has come, oldest session and version first.</summary>
    public async Task<int> PublishDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        List<(int Id, DateTimeOffset ReleaseAt, int Year, ScorePortal.Model.ExamHalf Half, int Version)> approved;
        await using (var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync(ct))
        {
            // Few rows; the release time is compared here because SQLite cannot compare DateTimeOffset in SQL.
            approved = (await db.ResultBatches.AsNoTracking()
                    .Where(b => b.Status == ResultBatchStatus.Approved)
                    .Select(b => new { b.Id, b.ExamSession.ReleaseAt, b.ExamSession.Year, b.ExamSession.Half, b.Version })
                    .ToListAsync(ct))
                .Select(b => (b.Id, b.ReleaseAt, b.Year, b.Half, b.Version))
                .ToList();
        }

        var now = time.GetUtcNow();
        var published = 0;
        var publish = services.GetRequiredService<PublishBatch>();
        foreach (var batch in approved.Where(b => b.ReleaseAt <= now).OrderBy(b => b.Year).ThenBy(b => b.Half).ThenBy(b => b.Version))
        {
            var result = await publish.HandleAsync(new PublishBatchRequest(batch.Id, SystemUserId, PublishMode.AtReleaseTime), ct);
            if (result.Succeeded) published++;
            else logger.LogInformation("Scheduled publication of batch {BatchId} skipped: {Reason}", batch.Id, result.ErrorKey);
        }
        return published;
    }
}
