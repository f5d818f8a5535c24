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

    /// <summary>Lookups of one ID number per 10 minutes, from anywhere.</summary>
    public int PerIdNumberPer10Minutes { get; set; } = 10;

    /// <summary>Wrong names for one ID number within <see cref="WrongNameWindow"/> before that ID is locked.</summary>
    public int WrongNamesBeforeLock { get; set; } = 5;

    public TimeSpan WrongNameWindow { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(30);
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
/// lookups per ID number, and a temporary lock of an ID number after repeated wrong names, which stops guessing a
/// name for a known ID. Keys are blind-index values and addresses, never names.
/// </summary>
public sealed class LookupThrottle : IDisposable
{
    private readonly LookupLimitsOptions _options;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string>? _perAddress;
    private readonly PartitionedRateLimiter<string>? _perIdNumber;
    private readonly ConcurrentDictionary<string, WrongNames> _wrongNames = new();

    private sealed class WrongNames
    {
        public int Count;
        public DateTimeOffset WindowStart;
        public DateTimeOffset LockedUntil;
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
    public ThrottleVerdict CheckIdNumber(string idKey)
    {
        if (IsLocked(idKey)) return ThrottleVerdict.IdNumberLocked;
        if (_perIdNumber is null) return ThrottleVerdict.Allowed;
        using var lease = _perIdNumber.AttemptAcquire(idKey);
        return lease.IsAcquired ? ThrottleVerdict.Allowed : ThrottleVerdict.IdNumberLimited;
    }

    public bool IsLocked(string idKey) =>
        _wrongNames.TryGetValue(idKey, out var state) && state.LockedUntil > _time.GetUtcNow();

    /// <summary>Counts a wrong name for an ID number; returns true when this one locked the ID.</summary>
    public bool RecordWrongName(string idKey)
    {
        if (_options.WrongNamesBeforeLock <= 0) return false;
        var now = _time.GetUtcNow();
        var state = _wrongNames.GetOrAdd(idKey, _ => new WrongNames { WindowStart = now });
        lock (state)
        {
            if (now - state.WindowStart > _options.WrongNameWindow)
            {
                state.Count = 0;
                state.WindowStart = now;
            }
            state.Count++;
            if (state.Count < _options.WrongNamesBeforeLock) return false;
            state.LockedUntil = now + _options.LockDuration;
            state.Count = 0;
            state.WindowStart = now;
        }
        if (_wrongNames.Count > 100_000) Sweep(now);
        return true;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, state) in _wrongNames)
            if (state.LockedUntil <= now && now - state.WindowStart > _options.WrongNameWindow)
                _wrongNames.TryRemove(key, out _);
    }

    public void Dispose()
    {
        _perAddress?.Dispose();
        _perIdNumber?.Dispose();
    }
}

public static class LookupThrottleExtensions
{
    public static WebApplicationBuilder AddLookupThrottle(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LookupLimitsOptions>().BindConfiguration(LookupLimitsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<LookupThrottle>();
        return builder;
    }
}
