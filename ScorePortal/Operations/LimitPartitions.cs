using System.Threading.RateLimiting;

namespace ScorePortal.Operations;

/// <summary>
/// The partitions of the framework rate-limiter policies (public forms, report verification, captcha pictures and
/// challenges), in one place: every per-address policy counts a client under <see cref="ClientAddress.LimitKey(HttpContext)"/>
/// (an IPv6 client by its /64; an unknown address as ""), in a sliding minute of six segments without a queue.
/// These stay framework limiters (per instance, in the request pipeline); the portal's own limits use the limits store
/// (<c>Platform/Limits/ILimitsStore</c>).
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

    /// <summary><paramref name="permits"/> requests per sliding minute per client address; no limit when 0 or less.</summary>
    public static RateLimitPartition<string> PerAddressPerMinute(HttpContext context, int permits) =>
        permits <= 0
            ? NoLimit()
            : RateLimitPartition.GetSlidingWindowLimiter(AddressKey(context), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            });
}
