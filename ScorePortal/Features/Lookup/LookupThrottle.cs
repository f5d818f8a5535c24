using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;

namespace ScorePortal.Features.Lookup;

public sealed class LookupLimitsOptions
{
    public const string Section = "Lookup:Limits";

    /// <summary>Lookups one address may send per minute (0 = no limit, e.g. for a load test on loopback).</summary>
    public int PerAddressPerMinute { get; set; } = 30;

    /// <summary>
    /// Lookups of one ID number per 10 minutes from one address (an IPv6 /64). Per address, so that lookups from
    /// elsewhere never use up the candidate's own; guessing from many addresses is slowed by the wrong-name spacing.
    /// </summary>
    public int PerIdNumberPer10Minutes { get; set; } = 10;

    /// <summary>
    /// Wrong names for one ID number from one address within <see cref="WrongNameWindow"/> before that ID number is
    /// locked for that address (other addresses, the candidate's own among them, are not locked out).
    /// </summary>
    public int WrongNamesBeforeLock { get; set; } = 5;

    public TimeSpan WrongNameWindow { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Wrong names for one ID number from all addresses within <see cref="WrongNameWindow"/> before its lookups are
    /// spaced out: each further wrong name doubles the spacing, from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/>.
    /// This is what stops guessing from many addresses, which the per-address lock cannot.
    /// </summary>
    public int WrongNamesBeforeDelay { get; set; } = 5;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

public enum ThrottleVerdict
{
    Allowed,
    AddressLimited,
    IdNumberLimited,
    IdNumberLocked,
}

/// <summary>
/// In-memory limits of the public lookup (per instance; the scale-out note moves them to Redis): requests per address,
/// lookups per ID number, a temporary lock of an ID number for the one address that sent repeated wrong names, and a
/// growing spacing of an ID number's lookups after wrong names from anywhere. Together they stop guessing a name for a
/// known ID — from one address (the lock) or from many (the spacing: one lookup of that ID per delay, whoever sends it)
/// — while nobody can lock the candidate out: an outsider's wrong names lock only the outsider's own address, and the
/// spacing delays the candidate's lookup by at most <see cref="LookupLimitsOptions.MaxDelay"/>.
/// Keys are blind-index values and addresses, never names.
/// </summary>
public sealed class LookupThrottle : IDisposable
{
    private readonly LookupLimitsOptions _options;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string>? _perAddress;
    private readonly PartitionedRateLimiter<string>? _perIdNumber;
    // Per (ID number, address): the lock. Per ID number: the count behind the spacing and the next free slot.
    private readonly ConcurrentDictionary<string, WrongNames> _wrongNames = new();
    private readonly ConcurrentDictionary<string, WrongNames> _wrongNamesById = new();

    private sealed class WrongNames
    {
        public int Count;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
        public DateTimeOffset NextSlot;
    }

    public LookupThrottle(IOptions<LookupLimitsOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (_options.PerAddressPerMinute > 0)
            _perAddress = SlidingWindow(_options.PerAddressPerMinute, TimeSpan.FromMinutes(1));
        if (_options.PerIdNumberPer10Minutes > 0)
            _perIdNumber = SlidingWindow(_options.PerIdNumberPer10Minutes, TimeSpan.FromMinutes(10));
    }

    private static PartitionedRateLimiter<string> SlidingWindow(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    public ThrottleVerdict CheckAddress(string? address)
    {
        if (_perAddress is null) return ThrottleVerdict.Allowed;
        using var lease = _perAddress.AttemptAcquire(ClientAddress.LimitKey(address) ?? "unknown");
        return lease.IsAcquired ? ThrottleVerdict.Allowed : ThrottleVerdict.AddressLimited;
    }

    /// <param name="idKey">The blind index of the ID number (hex), so no ID number is held in memory.</param>
    /// <param name="address">The source address of the lookup.</param>
    public ThrottleVerdict CheckIdNumber(string idKey, string? address)
    {
        if (IsLocked(idKey, address)) return ThrottleVerdict.IdNumberLocked;
        if (_perIdNumber is null) return ThrottleVerdict.Allowed;
        using var lease = _perIdNumber.AttemptAcquire(PairKey(idKey, address));
        return lease.IsAcquired ? ThrottleVerdict.Allowed : ThrottleVerdict.IdNumberLimited;
    }

    /// <summary>Whether this address sent so many wrong names for this ID number that it may not look it up for a while.</summary>
    public bool IsLocked(string idKey, string? address) =>
        _wrongNames.TryGetValue(PairKey(idKey, address), out var state) && state.LockedUntil > _time.GetUtcNow();

    /// <summary>
    /// Reserves the next slot for a lookup of an ID number: how long this lookup must wait before it runs (zero while
    /// the ID has had few wrong names), or null when the queue of waiting lookups is longer than
    /// <see cref="LookupLimitsOptions.MaxDelay"/> (refused as too many). Every lookup of the ID waits alike, right name
    /// or wrong, so the wait says nothing, and parallel guesses from many addresses are served one slot at a time.
    /// </summary>
    public TimeSpan? ReserveSlot(string idKey)
    {
        if (_options.WrongNamesBeforeDelay <= 0 || !_wrongNamesById.TryGetValue(idKey, out var state)) return TimeSpan.Zero;
        var now = _time.GetUtcNow();
        lock (state)
        {
            if (now - state.WindowStart > _options.WrongNameWindow) return TimeSpan.Zero;
            var beyond = state.Count - _options.WrongNamesBeforeDelay;
            if (beyond < 0) return TimeSpan.Zero;
            var step = TimeSpan.FromTicks(Math.Min(_options.MaxDelay.Ticks, _options.FirstDelay.Ticks << Math.Min(beyond, 30)));
            var slot = state.NextSlot > now ? state.NextSlot : now;
            var wait = slot - now;
            if (wait > _options.MaxDelay) return null;
            state.NextSlot = slot + step;
            return wait + step;
        }
    }

    /// <summary>Counts a wrong name for an ID number from an address; returns true when this one locked the ID for that address.</summary>
    public bool RecordWrongName(string idKey, string? address)
    {
        var now = _time.GetUtcNow();
        if (_options.WrongNamesBeforeDelay > 0) Count(_wrongNamesById.GetOrAdd(idKey, _ => new WrongNames { WindowStart = now }), now);
        var locked = false;
        if (_options.WrongNamesBeforeLock > 0)
        {
            var state = _wrongNames.GetOrAdd(PairKey(idKey, address), _ => new WrongNames { WindowStart = now });
            lock (state)
            {
                Count(state, now);
                if (state.Count >= _options.WrongNamesBeforeLock)
                {
                    state.LockedUntil = now + _options.LockDuration;
                    state.Count = 0;
                    state.WindowStart = now;
                    locked = true;
                }
            }
        }
        if (_wrongNames.Count + _wrongNamesById.Count > 100_000) Sweep(now);
        return locked;
    }

    private void Count(WrongNames state, DateTimeOffset now)
    {
        lock (state)
        {
            if (now - state.WindowStart > _options.WrongNameWindow)
            {
                state.Count = 0;
                state.WindowStart = now;
            }
            state.Count++;
        }
    }

    private static string PairKey(string idKey, string? address) => idKey + "|" + (ClientAddress.LimitKey(address) ?? "unknown");

    private void Sweep(DateTimeOffset now)
    {
        foreach (var states in new[] { _wrongNames, _wrongNamesById })
            foreach (var (key, state) in states)
                if (state.LockedUntil <= now && state.NextSlot <= now && now - state.WindowStart > _options.WrongNameWindow)
                    states.TryRemove(key, out _);
    }

    public void Dispose()
    {
        _perAddress?.Dispose();
        _perIdNumber?.Dispose();
    }
}
