using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using ScorePortal.Platform.Limits;
using StackExchange.Redis;

namespace ScorePortal.Platform.Caching;

public static class CachingExtensions
{
    /// <summary>
    /// The one <see cref="HybridCache"/> every cache of derived data uses: the framework's, in this instance's memory;
    /// with <c>Redis:Configuration</c> set, wrapped in <see cref="SharedHybridCache"/>, which tells every other
    /// instance about each removal through Redis (docs/scale.md). Call after <c>AddLimits</c> (it registers the
    /// connection) and before anything else adds the framework's cache.
    /// </summary>
    public static WebApplicationBuilder AddCaches(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SharedCacheOptions>().BindConfiguration(SharedCacheOptions.Section)
            .Validate(o => o.ExpiryWhileAlone > TimeSpan.Zero, "Redis:Cache:ExpiryWhileAlone must be positive.")
            .ValidateOnStart();
        services.AddHybridCache();
        if (builder.Configuration.GetSection(RedisLimitsOptions.Section).Get<RedisLimitsOptions>() is not { Enabled: true }) return builder;

        // The framework's cache stays this instance's memory; the shared one wraps it and takes its place.
        var framework = services.Single(d => d.ServiceType == typeof(HybridCache) && !d.IsKeyedService);
        var implementation = framework.ImplementationType
            ?? throw new InvalidOperationException("AddHybridCache registered no implementation type.");
        services.Remove(framework);
        services.AddSingleton(sp => new SharedHybridCache(
            (HybridCache)ActivatorUtilities.CreateInstance(sp, implementation), sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<RedisLimitsOptions>>().Value, sp.GetRequiredService<IOptions<SharedCacheOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SharedHybridCache>>()));
        services.AddSingleton<HybridCache>(sp => sp.GetRequiredService<SharedHybridCache>());
        services.AddHealthChecks().AddCheck<SharedCacheHealthCheck>("caches");
        return builder;
    }

    /// <summary>
    /// Removes <paramref name="key"/> from this instance's memory only: for a refresh one instance decides for itself
    /// (a snapshot that lacks a row it was asked for), which the other instances need not repeat.
    /// </summary>
    public static ValueTask RemoveHereAsync(this HybridCache cache, string key, CancellationToken ct = default) =>
        (cache is SharedHybridCache shared ? shared.Local : cache).RemoveAsync(key, ct);

    /// <summary>Removes every entry of <paramref name="tag"/> from this instance's memory only (see <see cref="RemoveHereAsync"/>).</summary>
    public static ValueTask RemoveTagHereAsync(this HybridCache cache, string tag, CancellationToken ct = default) =>
        (cache is SharedHybridCache shared ? shared.Local : cache).RemoveByTagAsync(tag, ct);
}
