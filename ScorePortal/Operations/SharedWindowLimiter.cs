using System.Threading.RateLimiting;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Operations;

/// <summary>
/// A framework <see cref="RateLimiter"/> whose permits are hits of a sliding window in the limits store, so a policy
/// counts across instances when the store is shared (Redis), and falls back with it to the instance's memory when
/// Redis is down. Used by <see cref="LimitPartitions"/> only when Redis is configured: a single instance keeps the
/// framework's own sliding-window limiter. (RedisRateLimiting would have been a second Redis client path with its own
/// failure behaviour: a Redis outage would fail the requests instead of falling back.)
/// </summary>
public sealed class SharedWindowLimiter(ILimitsStore store, string key, int permits, TimeSpan window) : RateLimiter
{
    private long _lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();

    // The partitioned limiter drops a limiter idle for a while; this one holds no state of its own.
    public override TimeSpan? IdleDuration => System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    // The request pipeline tries a synchronous acquisition first and waits for AcquireAsync when it is refused: the
    // store is asked there, once, never with a blocking call.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsed, System.Diagnostics.Stopwatch.GetTimestamp());
        if (permitCount == 0) return Lease.Acquired;
        var hit = await store.HitAsync(key, window, permits);
        return hit.Counted ? Lease.Acquired : new Lease(false, hit.RetryAfter);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
