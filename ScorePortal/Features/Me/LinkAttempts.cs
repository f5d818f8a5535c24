using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;

namespace ScorePortal.Features.Me;

public sealed class LinkLimitsOptions
{
    public const string Section = "Me:LinkLimits";

    /// <summary>Wrong link attempts (ID, name and ticket that match no record) one account may make per hour (0 = no limit).</summary>
    public int WrongPerAccountPerHour { get; set; } = 5;

    /// <summary>Wrong link attempts from one address per hour, whatever the account (0 = no limit).</summary>
    public int WrongPerAddressPerHour { get; set; } = 20;
}

/// <summary>
/// Counts wrong attempts to link a record, per account and per address, in memory like the lookup's limits: linking
/// proves the same facts a lookup does, so guessing must cost as much. Only wrong attempts spend the budget.
/// </summary>
public sealed class LinkAttempts : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perAccount;
    private readonly PartitionedRateLimiter<string>? _perAddress;

    public LinkAttempts(IOptions<LinkLimitsOptions> options)
    {
        if (options.Value.WrongPerAccountPerHour > 0) _perAccount = Hourly(options.Value.WrongPerAccountPerHour);
        if (options.Value.WrongPerAddressPerHour > 0) _perAddress = Hourly(options.Value.WrongPerAddressPerHour);
    }

    private static PartitionedRateLimiter<string> Hourly(int permits) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromHours(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    public bool IsExhausted(string userId, string? address) =>
        Exhausted(_perAccount, userId) || (address is not null && Exhausted(_perAddress, ClientAddress.LimitKey(address)!));

    public void RecordWrong(string userId, string? address)
    {
        _perAccount?.AttemptAcquire(userId).Dispose();
        if (address is not null) _perAddress?.AttemptAcquire(ClientAddress.LimitKey(address)!).Dispose();
    }

    private static bool Exhausted(PartitionedRateLimiter<string>? limiter, string key) =>
        limiter?.GetStatistics(key) is { CurrentAvailablePermits: <= 0 };

    public void Dispose()
    {
        _perAccount?.Dispose();
        _perAddress?.Dispose();
    }
}
