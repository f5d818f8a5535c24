using Microsoft.Extensions.Options;
using ScorePortal.Platform.Leases;

namespace ScorePortal.Features.Privacy;

/// <summary>Wakes <see cref="DataCopyWorker"/> when a copy is asked for, so it is prepared within moments rather than at the next poll.</summary>
public sealed class DataCopySignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Prepares copies in the background and deletes old ones: at start (a restart takes up what was waiting), when woken
/// by a request, and every <see cref="DataCopyOptions.PollInterval"/>. Each turn runs under the lease
/// <see cref="Lease"/> like the portal's other jobs; an instance that cannot take it skips the turn (the claim on
/// each copy is the real guard against preparing one twice).
/// </summary>
internal sealed class DataCopyWorker(DataCopyPreparer preparer, DataCopySignal signal, ILeases leases, IOptions<DataCopyOptions> options,
    ILogger<DataCopyWorker> logger) : BackgroundService
{
    public const string Lease = "privacy:data-copies";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunTurnAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError("A data copy turn failed; the next turn tries again: {Error}", ex.GetType().Name);
                }
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunTurnAsync(CancellationToken ct)
    {
        ILease? lease;
        try
        {
            lease = await leases.TryAcquireAsync(Lease, TimeSpan.Zero, ct);
        }
        catch (LeaseUnavailableException)
        {
            logger.LogWarning("Data copies skipped this turn: the lease cannot be taken (Redis down)");
            return;
        }
        if (lease is null) return;
        await using (lease)
        {
            await preparer.PrepareWaitingAsync(ct, lease.Lost);
            var deleted = await preparer.DeleteOldAsync(ct);
            if (deleted > 0) logger.LogInformation("Deleted {Count} data copies past their retention", deleted);
        }
    }
}
