using ScorePortal.Operations;
using ScorePortal.Platform.Limits;

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
        if (builder.Configuration.ReadWhileBuilding<RedisLimitsOptions>(RedisLimitsOptions.Section) is { Enabled: true })
            builder.Services.AddSingleton<ILeases, RedisLeases>();
        else
            builder.Services.AddSingleton<ILeases, MemoryLeases>();
        return builder;
    }
}
