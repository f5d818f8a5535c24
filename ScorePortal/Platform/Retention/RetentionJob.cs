using System.Globalization;
using Microsoft.Extensions.Options;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Leases;

namespace ScorePortal.Platform.Retention;

/// <summary>What one rule did in a run: how many rows (or files), or that it failed (the next run tries again).</summary>
public sealed record RetentionRuleOutcome(string Rule, int Count, bool Failed);

/// <summary>What one run did.</summary>
/// <param name="Busy">Another instance held the retention lease; this one did nothing.</param>
/// <param name="LeaseUnavailable">The lease could not be asked for (Redis down); this one did nothing.</param>
public sealed record RetentionRun(IReadOnlyList<RetentionRuleOutcome> Rules, bool Busy = false, bool LeaseUnavailable = false);

/// <summary>
/// Runs every <see cref="IRetentionRule"/> once, under the lease <see cref="Lease"/> so that two instances never run
/// them at the same time, and writes one <see cref="AuditActions.RetentionRun"/> entry: per rule its count (or
/// <c>failed</c>), never what was removed. A rule that fails does not stop the others.
/// </summary>
public sealed class RetentionJob(IEnumerable<IRetentionRule> rules, ILeases leases, AuditLog audit, TimeProvider time,
    IOptions<RetentionOptions> options, ILogger<RetentionJob> logger)
{
    public const string Lease = "privacy:retention";

    /// <summary>The audit entry's value for a rule that threw.</summary>
    public const string Failed = "failed";

    public async Task<RetentionRun> RunAsync(CancellationToken ct = default)
    {
        ILease? lease;
        try
        {
            lease = await leases.TryAcquireAsync(Lease, TimeSpan.Zero, ct);
        }
        catch (LeaseUnavailableException)
        {
            return new RetentionRun([], LeaseUnavailable: true);
        }
        if (lease is null) return new RetentionRun([], Busy: true);
        await using (lease)
        {
            var outcomes = new List<RetentionRuleOutcome>();
            foreach (var rule in rules)
            {
                // Lost (Redis gone past the lease's expiry): another instance may have started; stop before the next rule.
                if (lease.Lost.IsCancellationRequested) break;
                var now = time.GetUtcNow();
                try
                {
                    var count = await rule.RunAsync(new RetentionPass(now, now - rule.Period, options.Value.BatchSize), ct);
                    outcomes.Add(new RetentionRuleOutcome(rule.Name, count, false));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogError(ex, "The retention rule {Rule} failed", rule.Name);
                    outcomes.Add(new RetentionRuleOutcome(rule.Name, 0, true));
                }
            }
            var data = outcomes.ToDictionary(o => o.Rule, o => (string?)(o.Failed ? Failed : o.Count.ToString(CultureInfo.InvariantCulture)));
            await audit.WriteDurableAsync(new AuditRecord(AuditActions.RetentionRun, ActorRole: "system", Data: data), ct);
            return new RetentionRun(outcomes);
        }
    }
}

/// <summary>Runs the retention job a few minutes after start and then every <see cref="RetentionOptions.Interval"/>; off when it is zero.</summary>
internal sealed class RetentionService(RetentionJob job, TimeProvider time, IOptions<RetentionOptions> options, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(5) < interval ? TimeSpan.FromMinutes(5) : interval, time, stoppingToken);
            using var timer = new PeriodicTimer(interval, time);
            do
            {
                try
                {
                    var run = await job.RunAsync(stoppingToken);
                    if (run.LeaseUnavailable) logger.LogWarning("Retention skipped this turn: its lease cannot be taken (Redis down)");
                    else if (run.Busy) logger.LogInformation("Retention skipped this turn: another instance runs it");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "The retention job failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
