using Microsoft.Extensions.Options;
using ScorePortal.Platform.Limits;
using StackExchange.Redis;

namespace ScorePortal.Platform.Leases;

public static class LeasesExtensions
{
    /// <summary>
    /// The leases jobs and the audit chain take (<see cref="ILeases"/>): in process for one instance, in Redis on the
    /// connection <see cref="LimitsExtensions.AddLimits"/> registers when <c>Redis:Configuration</c> is set.
    /// </summary>
    public static WebApplicationBuilder AddLeases(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LeaseOptions>().BindConfiguration(LeaseOptions.Section)
            .Validate(o => o.Expiry >= TimeSpan.FromSeconds(1), "Leases:Expiry must be at least one second.")
            .ValidateOnStart();
        if (builder.Configuration.GetSection(RedisLimitsOptions.Section).Get<RedisLimitsOptions>() is { Enabled: true })
            builder.Services.AddSingleton<ILeases>(sp => new RedisLeases(sp.GetRequiredService<IConnectionMultiplexer>(),
                sp.GetRequiredService<IOptions<RedisLimitsOptions>>(), sp.GetRequiredService<IOptions<LeaseOptions>>()));
        else
            builder.Services.AddSingleton<ILeases, MemoryLeases>();
        return builder;
    }
}
