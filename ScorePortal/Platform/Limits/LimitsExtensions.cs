using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ScorePortal.Operations;

namespace ScorePortal.Platform.Limits;

public static class LimitsExtensions
{
    /// <summary>
    /// The limits store every limiter, monitor and single-use token uses (<see cref="ILimitsStore"/>): in memory per
    /// instance, or shared by every instance through Redis when <c>Redis:Configuration</c> is set
    /// (<see cref="RedisLimitsStore"/>, which falls back to memory while Redis is down; docs/scale.md).
    /// </summary>
    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MemoryLimitsOptions>().BindConfiguration(MemoryLimitsOptions.Section)
            .Validate(o => o.MaxTimesPerWindow > 0 && o.MaxMembersPerWindow > 0 && o.SweepInterval > TimeSpan.Zero,
                "Limits:Memory:MaxTimesPerWindow, MaxMembersPerWindow and SweepInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<RedisLimitsOptions>().BindConfiguration(RedisLimitsOptions.Section)
            .Validate(RedisLimitsOptions.IsValid,
                "Redis:Configuration must name at least one endpoint; Redis:KeyPrefix must not be empty; Redis:OperationTimeout and ReconnectInterval must be positive.")
            .ValidateOnStart();

        if (builder.Configuration.ReadWhileBuilding<RedisLimitsOptions>(RedisLimitsOptions.Section) is { Enabled: true })
        {
            // One connection per instance, shared by everything that keeps state in Redis (limits, cache invalidation,
            // leases): inject IConnectionMultiplexer and put RedisLimitsOptions.KeyPrefix before every key.
            builder.Services.TryAddSingleton<IConnectionMultiplexer>(sp =>
                RedisLimitsStore.Connect(sp.GetRequiredService<IOptions<RedisLimitsOptions>>().Value));
            builder.Services.TryAddSingleton<RedisLimitsStore>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<RedisLimitsOptions>>().Value;
                return new RedisLimitsStore(sp.GetRequiredService<IConnectionMultiplexer>(), options, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<IOptions<MemoryLimitsOptions>>().Value, sp.GetServices<ILimitsStoreAlarm>(),
                    sp.GetRequiredService<ILogger<RedisLimitsStore>>());
            });
            builder.Services.TryAddSingleton<ILimitsStore>(sp => sp.GetRequiredService<RedisLimitsStore>());
            builder.Services.AddHealthChecks().AddCheck<SharedLimitsHealthCheck>("limits");
        }
        builder.Services.TryAddSingleton<ILimitsStore>(sp => new MemoryLimitsStore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MemoryLimitsOptions>>().Value));
        return builder;
    }
}
