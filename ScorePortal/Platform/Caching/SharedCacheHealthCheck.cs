using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScorePortal.Platform.Caching;

/// <summary>
/// Degraded while this instance caches alone because Redis does not carry its cache removals: it still serves, and
/// its entries live briefly (<see cref="SharedCacheOptions.ExpiryWhileAlone"/>) so it converges on the database by
/// itself (registered only when Redis is configured).
/// </summary>
public sealed class SharedCacheHealthCheck(SharedHybridCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(cache.IsShared
            ? HealthCheckResult.Healthy("Cache removals shared through Redis.")
            : HealthCheckResult.Degraded("Redis unreachable: this instance caches alone, with short expiries."));
}
