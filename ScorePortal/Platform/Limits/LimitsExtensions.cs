using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ScorePortal.Platform.Limits;

public static class LimitsExtensions
{
    /// <summary>
    /// The limits store every limiter, monitor and single-use token uses (<see cref="ILimitsStore"/>): in memory per
    /// instance. A shared store for several instances replaces this registration (release-day-at-scale issue).
    /// </summary>
    public static WebApplicationBuilder AddLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MemoryLimitsOptions>().BindConfiguration(MemoryLimitsOptions.Section)
            .Validate(o => o.MaxTimesPerWindow > 0 && o.MaxMembersPerWindow > 0 && o.SweepInterval > TimeSpan.Zero,
                "Limits:Memory:MaxTimesPerWindow, MaxMembersPerWindow and SweepInterval must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<ILimitsStore>(sp => new MemoryLimitsStore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MemoryLimitsOptions>>().Value));
        return builder;
    }
}
