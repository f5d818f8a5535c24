using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScorePortal.Platform.Limits;

/// <summary>
/// Degraded while this instance keeps its limits alone because Redis does not answer: it still serves, but its limits,
/// blocks and spent tokens are not seen by the other instances (registered only when Redis is configured).
/// </summary>
public sealed class SharedLimitsHealthCheck(RedisLimitsStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsShared
            ? HealthCheckResult.Healthy("Limits shared through Redis.")
            : HealthCheckResult.Degraded("Redis unreachable: this instance keeps its limits in its own memory."));
}
