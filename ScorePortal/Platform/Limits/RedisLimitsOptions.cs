using System.Net;
using StackExchange.Redis;

namespace ScorePortal.Platform.Limits;

/// <summary>
/// Shared state for several instances (configuration section "Redis"). Without <see cref="Configuration"/> every
/// instance keeps its limits in its own memory (<see cref="MemoryLimitsStore"/>), as a single instance always has.
/// </summary>
public sealed class RedisLimitsOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis1:6379,password=…,ssl=true</c>; empty = no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Put before every key, so several portals (or a test run) can share one Redis without meeting.</summary>
    public string KeyPrefix { get; set; } = "scoreportal:";

    /// <summary>
    /// The longest a limits operation waits for Redis before the instance falls back to its own memory: every lookup
    /// asks the store, so a hung Redis must cost a request this much at most, once.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While Redis is down, how often the instance tries it again.</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromSeconds(5);

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);

    internal static bool IsValid(RedisLimitsOptions o)
    {
        if (o.OperationTimeout <= TimeSpan.Zero || o.ReconnectInterval <= TimeSpan.Zero || string.IsNullOrEmpty(o.KeyPrefix)) return false;
        if (!o.Enabled) return true;
        try
        {
            return ConfigurationOptions.Parse(o.Configuration!).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Production (<c>Operations/ProductionStartupChecks</c>) refuses a Redis reached over the network without a password
    /// or without TLS: whoever reaches it could lift every block, reset every lock and un-spend captcha tokens. A loopback
    /// Redis (one machine, bench/scale) passes.
    /// </summary>
    public bool IsSafeForProduction()
    {
        if (!Enabled) return true;
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(Configuration!);
        }
        catch (ArgumentException)
        {
            return false;
        }
        var loopbackOnly = parsed.EndPoints.All(e => e switch
        {
            IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
            DnsEndPoint dns => string.Equals(dns.Host, "localhost", StringComparison.OrdinalIgnoreCase),
            _ => false,
        });
        return loopbackOnly || (!string.IsNullOrEmpty(parsed.Password) && parsed.Ssl);
    }
}
