using Microsoft.EntityFrameworkCore;
using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Health;

public sealed class HealthEndpointTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Healthz_answers_healthy()
    {
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(TestPeerAddress.Header, "127.0.0.1"); // details are for the machine itself

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"Healthy\"", body);
        Assert.Contains("\"circuits\":0", body);
    }

    [Fact]
    public async Task An_unreachable_database_is_reported_unhealthy()
    {
        var check = new ScorePortal.Operations.DatabaseHealthCheck(new UnreachableDatabase());

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
    }

    private sealed class UnreachableDatabase : Microsoft.EntityFrameworkCore.IDbContextFactory<ScorePortal.Data.ScorePortalDbContext>
    {
        public ScorePortal.Data.ScorePortalDbContext CreateDbContext() =>
            new ScorePortal.Data.SqliteScorePortalDbContext(
                new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<ScorePortal.Data.SqliteScorePortalDbContext>()
                    .UseSqlite("Data Source=/proc/no-such-folder/scoreportal.db;Mode=ReadOnly").Options);
    }
}
