using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ScorePortal.Data;

namespace ScorePortal.Operations;

internal sealed class DatabaseHealthCheck(IDbContextFactory<ScorePortalDbContext> factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            return await db.Database.CanConnectAsync(ct)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("database unreachable");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy(StorageFaults.Classify(ex) is { } fault ? $"database unreachable ({StorageFaults.Cause(fault)})" : "database unreachable", ex);
        }
    }
}
