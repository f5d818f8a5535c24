using Microsoft.Extensions.Options;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Results;
using ScorePortal.Operations;

namespace ScorePortal.Features.ServiceStatus;

public enum SessionLookupState
{
    /// <summary>Published and past its release time: lookups answer.</summary>
    Open,

    /// <summary>The release time is ahead.</summary>
    Scheduled,

    /// <summary>The release time has passed but the results are not published yet.</summary>
    AwaitingPublication,
}

public sealed record SessionStatus(SessionInfo Session, SessionLookupState State);

/// <param name="Waiting">Lookups waiting for a slot on this instance right now.</param>
/// <param name="Full">Every slot taken: the next lookup waits (at most <paramref name="MaxWait"/>) or gets the busy answer.</param>
public sealed record WaitStatus(long Waiting, bool Full, TimeSpan MaxWait)
{
    public bool Busy => Full || Waiting > 0;
}

/// <param name="Line">The waiting room's line: one line for every instance (the shared limits store), not this instance's.</param>
public sealed record ServiceStatusSnapshot(DateTimeOffset At, IReadOnlyList<SessionStatus> Sessions, DateTimeOffset? NextRelease,
    WaitStatus Wait, LatencyToday Latency, int TargetMilliseconds, LineStatus Line)
{
    public bool LookupsOpen => Sessions.Any(s => s.State == SessionLookupState.Open);
}

/// <summary>
/// The status page's figures: the sessions and their release times (the results read model's
/// <see cref="SessionCatalog"/>), the busy gate's occupancy on this instance (<see cref="GateOccupancy"/>), the
/// waiting room's line and its estimated wait across instances (<c>WaitingRoom.LineAsync</c>: two reads of the
/// shared counters), today's lookup p95 on this instance (<see cref="LookupLatencyToday"/>). Computed at most once per
/// <see cref="ServiceStatusOptions.CacheFor"/> on an instance, so a crowd refreshing the page costs no more than one.
/// Nothing here is personal: it is the same for everyone.
/// </summary>
public sealed class GetServiceStatus(SessionCatalog sessions, GateOccupancy gate, IOptions<BusyGateOptions> gateOptions,
    WaitingRoom waitingRoom, LookupLatencyToday latency, TimeProvider time, IOptions<ServiceStatusOptions> options)
{
    private ServiceStatusSnapshot? _last;

    public async ValueTask<ServiceStatusSnapshot> HandleAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        if (Volatile.Read(ref _last) is { } last && now >= last.At && now - last.At < o.CacheFor) return last;

        var all = await sessions.AllAsync(ct);
        var shown = all.Take(o.SessionsShown)
            .Select(s => new SessionStatus(s, s.IsReleased(now) ? SessionLookupState.Open
                : s.ReleaseAt > now ? SessionLookupState.Scheduled : SessionLookupState.AwaitingPublication))
            .ToList();
        var next = all.Where(s => s.ReleaseAt > now).Select(s => (DateTimeOffset?)s.ReleaseAt).Min();
        var slots = gateOptions.Value;
        var wait = new WaitStatus(gate.Lookups.Waiting, gate.Lookups.Inside >= slots.MaxConcurrent, slots.QueueTimeout);
        var line = await waitingRoom.LineAsync();
        var snapshot = new ServiceStatusSnapshot(now, shown, next, wait, latency.Read(), o.LookupTargetMilliseconds, line);
        Volatile.Write(ref _last, snapshot);
        return snapshot;
    }
}
