using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Leases;

namespace ScorePortal.Features.Batches;

/// <summary>
/// Publishes approved batches when their session's release time comes: once at start (a restart after the release
/// time catches up at once) and then every <see cref="BatchOptions.PublishInterval"/> on the injected clock.
/// Several instances run it: each turn runs under the publisher lease (<see cref="Lease"/>, in Redis then), so one
/// instance publishes while the others skip their turn; and publication still claims a batch with a conditional
/// update, so a batch is published once even by a turn that lost its lease midway, or by an admin at the same moment.
/// While the lease cannot be taken (Redis down) every instance skips its turns and says so in the log.
/// </summary>
public sealed class BatchPublisher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<BatchOptions> options,
    ILeases leases,
    ILogger<BatchPublisher> logger) : BackgroundService
{
    /// <summary>The actor of scheduled publications in batches and in the audit log.</summary>
    public const string SystemUserId = "system:scheduler";

    /// <summary>The lease a scheduled turn holds.</summary>
    public const string Lease = "batches:publisher";

    private long _skipped;

    /// <summary>Turns skipped since start because another instance held the lease or it could not be taken.</summary>
    public long SkippedRuns => Interlocked.Read(ref _skipped);

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
                    await RunTurnAsync(stoppingToken);
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

    /// <summary>One scheduled turn: publishes what is due under the lease, or skips when another instance holds it.</summary>
    private async Task RunTurnAsync(CancellationToken ct)
    {
        ILease? lease;
        try
        {
            lease = await leases.TryAcquireAsync(Lease, TimeSpan.Zero, ct);
        }
        catch (LeaseUnavailableException ex)
        {
            Interlocked.Increment(ref _skipped);
            logger.LogWarning(ex, "Scheduled publication skipped this turn: the publisher lease cannot be taken (Redis down)");
            return;
        }
        if (lease is null)
        {
            Interlocked.Increment(ref _skipped);
            logger.LogDebug("Scheduled publication skipped this turn: another instance holds the publisher lease");
            return;
        }
        await using (lease)
        {
            await PublishDueAsync(ct, lease.Lost);
        }
    }

    /// <summary>
    /// Publishes every approved batch whose release time has come, oldest session and version first; stops before the
    /// next batch once <paramref name="leaseLost"/> fires (another instance may have taken over).
    /// </summary>
    public async Task<int> PublishDueAsync(CancellationToken ct, CancellationToken leaseLost = default)
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
            if (leaseLost.IsCancellationRequested)
            {
                logger.LogWarning("Scheduled publication stopped: the publisher lease was lost; the next turn goes on");
                break;
            }
            var result = await publish.HandleAsync(new PublishBatchRequest(batch.Id, SystemUserId, PublishMode.AtReleaseTime), ct);
            if (result.Succeeded) published++;
            else logger.LogInformation("Scheduled publication of batch {BatchId} skipped: {Reason}", batch.Id, result.ErrorKey);
        }
        return published;
    }
}
