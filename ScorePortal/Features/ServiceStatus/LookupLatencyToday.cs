using System.Diagnostics.Metrics;
using ScorePortal.Localization;
using ScorePortal.Operations;

namespace ScorePortal.Features.ServiceStatus;

/// <summary>
/// Today's lookup durations on this instance, for the status page's p95: a <see cref="MeterListener"/> on the lookup
/// path's own histogram (<see cref="PortalMetrics.LookupDurationName"/>, this host's meter only) counts each duration
/// into fixed buckets, reset when the day changes in China time (the portal's day on every page). Fixed buckets cost
/// one increment per lookup and no memory growth; the p95 is the upper bound of the bucket it falls in, so the page
/// says "at most". Per instance: each server measures what it answered; the page says so.
/// </summary>
public sealed class LookupLatencyToday : IDisposable
{
    /// <summary>Bucket upper bounds in milliseconds; a last bucket holds everything slower.</summary>
    internal static readonly double[] Bounds = [5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100, 125, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000];

    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();
    private Day _today;

    public LookupLatencyToday(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _today = new Day(Today());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == PortalMetrics.LookupDurationName && instrument.Meter.Name == PortalMetrics.MeterName
                && ReferenceEquals(instrument.Meter.Scope, meters))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) => Record(TimeSpan.FromSeconds(seconds)));
        _listener.Start();
    }

    private DateOnly Today() => DateOnly.FromDateTime(PortalFormat.ToChinaTime(_time.GetUtcNow()).DateTime);

    internal void Record(TimeSpan duration)
    {
        var today = Today();
        var day = Volatile.Read(ref _today);
        if (day.Date != today)
        {
            var fresh = new Day(today);
            day = Interlocked.CompareExchange(ref _today, fresh, day) == day ? fresh : Volatile.Read(ref _today);
        }
        var index = Array.BinarySearch(Bounds, duration.TotalMilliseconds);
        Interlocked.Increment(ref day.Counts[index >= 0 ? index : ~index]);
    }

    /// <summary>Today's count and 95th percentile (null before the first lookup of the day).</summary>
    public LatencyToday Read()
    {
        var day = Volatile.Read(ref _today);
        var today = Today();
        if (day.Date != today) return new LatencyToday(today, 0, null);
        var counts = new long[day.Counts.Length];
        for (var i = 0; i < counts.Length; i++) counts[i] = Interlocked.Read(ref day.Counts[i]);
        var total = counts.Sum();
        if (total == 0) return new LatencyToday(today, 0, null);
        var rank = (long)Math.Ceiling(total * 0.95);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return new LatencyToday(today, total, i < Bounds.Length ? Bounds[i] : null, Slower: i == Bounds.Length);
        }
        return new LatencyToday(today, total, null, Slower: true);
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Day(DateOnly date)
    {
        public DateOnly Date { get; } = date;

        public long[] Counts { get; } = new long[Bounds.Length + 1];
    }
}

/// <param name="P95AtMostMilliseconds">The upper bound of the bucket holding the 95th percentile; null with no lookup, or when slower than every bound.</param>
/// <param name="Slower">The 95th percentile is slower than the last bound.</param>
public sealed record LatencyToday(DateOnly Day, long Count, double? P95AtMostMilliseconds, bool Slower = false)
{
    public static double LastBoundMilliseconds => LookupLatencyToday.Bounds[^1];

    public bool Within(int targetMilliseconds) => P95AtMostMilliseconds is { } p95 && p95 <= targetMilliseconds;
}
