using Microsoft.Extensions.Configuration;
using ScorePortal.Operations;

namespace ScorePortal.Tests.Platform.Limits;

public sealed class RedisSettingsTests
{
    private static IEnumerable<string> ProblemsWith(string? redis) =>
        ProductionStartupChecks.Problems(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis,
        }).Build()).Where(p => p.StartsWith("Redis:", StringComparison.Ordinal));

    [Theory]
    [InlineData("redis.internal:6379")]
    [InlineData("10.0.0.5:6379,password=secret")]
    [InlineData("redis.internal:6380,ssl=true")]
    public void Production_refuses_a_network_redis_without_both_a_password_and_tls(string configuration) =>
        Assert.Single(ProblemsWith(configuration));

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1:6379")]
    [InlineData("localhost:6379")]
    [InlineData("redis.internal:6380,password=secret,ssl=true")]
    public void Production_accepts_no_redis_a_loopback_one_or_one_with_a_password_over_tls(string? configuration) =>
        Assert.Empty(ProblemsWith(configuration));
}
