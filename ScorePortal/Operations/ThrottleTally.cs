using System.Globalization;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Operations;

/// <summary>
/// How many requests the limits turned away, counted in memory and written to the audit log as one entry per interval
/// (<see cref="AuditActions.ThrottledRequests"/>, counts only: no address, no form, no time of a single request), so the
/// yearly data-security report can say how many attempts were throttled without an audit row per refused request on
/// the release-day path. Two kinds: <c>lookups</c> (a lookup form answered 429 by the per-address or per-ID limits or a
/// block) and <c>forms</c> (any other public form post refused by the framework rate limiter,
/// <see cref="PublicFormLimits"/>). Per instance: every instance writes its own entries and the report adds them up.
/// </summary>
public sealed class ThrottleTally
{
    public const string Lookups = "lookups";
    public const string Forms = "forms";

    private long _lookups;
    private long _forms;

    public void LookupRefused() => Interlocked.Increment(ref _lookups);

    public void FormRefused() => Interlocked.Increment(ref _forms);

    /// <summary>Takes the counts since the last call (each refusal is handed out once).</summary>
    public (long Lookups, long Forms) Take() => (Interlocked.Exchange(ref _lookups, 0), Interlocked.Exchange(ref _forms, 0));

    /// <summary>Puts counts back when they could not be written (the next interval writes them).</summary>
    public void Return(long lookups, long forms)
    {
        Interlocked.Add(ref _lookups, lookups);
        Interlocked.Add(ref _forms, forms);
    }
}

/// <summary>Writes the <see cref="ThrottleTally"/> every five minutes when anything was refused, and once more when the host stops.</summary>
public sealed class ThrottleTallyWriter(ThrottleTally tally, AuditLog audit, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await WriteAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await WriteAsync(cancellationToken);
    }

    /// <summary>One audit entry with the counts since the last one; nothing when nothing was refused.</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        var (lookups, forms) = tally.Take();
        if (lookups == 0 && forms == 0) return;
        try
        {
            await audit.WriteAsync(new AuditRecord(AuditActions.ThrottledRequests, Data: new Dictionary<string, string?>
            {
                [ThrottleTally.Lookups] = lookups.ToString(CultureInfo.InvariantCulture),
                [ThrottleTally.Forms] = forms.ToString(CultureInfo.InvariantCulture),
            }), ct);
        }
        catch (Exception failure) when (failure is System.Threading.Channels.ChannelClosedException || ct.IsCancellationRequested)
        {
            // The audit log has stopped (the host is shutting down) or the write was cancelled: the counts go back, and
            // an instance that stops with refusals not yet written loses at most these five minutes' counts.
            tally.Return(lookups, forms);
        }
    }
}
