using System.Threading.RateLimiting;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Operations;

/// <summary>
/// The partitions of the framework rate-limiter policies (public forms, report verification, captcha pictures and
/// challenges), in one place: every per-address policy counts a client under <see cref="ClientAddress.LimitKey(HttpContext)"/>
/// (an IPv6 client by its /64; an unknown address as ""), in a sliding minute of six segments without a queue.
/// They are framework limiters in the request pipeline: per instance by default; when Redis is configured the permits
/// are hits of a sliding window in the shared limits store (<see cref="SharedWindowLimiter"/>), so several instances
/// count one address together. The portal's own limits use the limits store directly (<c>Platform/Limits/ILimitsStore</c>).
/// </summary>
public static class LimitPartitions
{
    /// <summary>
    /// The key of the unlimited partition. Partitions are cached by key: it must never equal an address's key (an
    /// unknown address is keyed ""), or an unlimited request would make every later one from that address unlimited.
    /// </summary>
    public const string NoLimitKey = "no-limit";

    /// <summary>The key a client is counted under by every per-address policy.</summary>
    public static string AddressKey(HttpContext context) => ClientAddress.LimitKey(context) ?? "";

    /// <summary>No limit for this request.</summary>
    public static RateLimitPartition<string> NoLimit() => RateLimitPartition.GetNoLimiter(NoLimitKey);

    /// <summary>
    /// <paramref name="permits"/> requests per sliding minute per client address; no limit when 0 or less.
    /// <paramref name="policy"/> names the policy's window in the shared store (<c>rate:&lt;policy&gt;:&lt;address key&gt;</c>).
    /// </summary>
    public static RateLimitPartition<string> PerAddressPerMinute(HttpContext context, int permits, string policy)
    {
        if (permits <= 0) return NoLimit();
        var address = AddressKey(context);
        if (context.RequestServices.GetService<RedisLimitsStore>() is { } shared)
            return RateLimitPartition.Get(address, key => new SharedWindowLimiter(shared, "rate:" + policy + ":" + key, permits, TimeSpan.FromMinutes(1)));
        return RateLimitPartition.GetSlidingWindowLimiter(address, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });
    }
}
