using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// Contexts come from EF's pool: a context handed out again must carry nothing of its previous use (the audit writer
/// and the import switch change detection off, Identity's scoped context tracks users).
/// </summary>
public sealed class PooledContextTests
{
    private static ServiceProvider Services(string provider, string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration["Database:Provider"] = provider;
        builder.Configuration["ConnectionStrings:ScorePortal"] = connectionString;
        builder.AddDatabase();
        return builder.Services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("Sqlite", "Data Source=:memory:")]
    [InlineData("SqlServer", "Server=.;Database=x;Trusted_Connection=True;TrustServerCertificate=True")]
    public async Task A_context_back_from_the_pool_is_reused_with_nothing_of_its_last_use(string provider, string connectionString)
    {
        await using var services = Services(provider, connectionString);
        var factory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();

        ScorePortalDbContext first;
        await using (first = await factory.CreateDbContextAsync())
        {
            first.ChangeTracker.AutoDetectChangesEnabled = false;
            first.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
            first.Database.SetCommandTimeout(1);
            first.Provinces.Attach(new Province { Code = "99" });
            first.SavingChanges += (_, _) => throw new InvalidOperationException("an event of the last use");
        }

        await using var second = await factory.CreateDbContextAsync();
        Assert.Same(first, second);
        Assert.True(second.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Equal(QueryTrackingBehavior.TrackAll, second.ChangeTracker.QueryTrackingBehavior);
        Assert.NotEqual(1, second.Database.GetCommandTimeout());
        Assert.Empty(second.ChangeTracker.Entries());
        Assert.Equal(0, await second.SaveChangesAsync());
    }

    [Fact]
    public async Task The_scoped_context_comes_from_the_pool_and_goes_back_with_its_scope()
    {
        await using var services = Services("Sqlite", "Data Source=:memory:");
        var factory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();

        ScorePortalDbContext scoped;
        await using (var scope = services.CreateAsyncScope())
        {
            scoped = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
            Assert.Same(scoped, scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>());
            scoped.ChangeTracker.AutoDetectChangesEnabled = false;
        }

        await using var next = await factory.CreateDbContextAsync();
        Assert.Same(scoped, next);
        Assert.True(next.ChangeTracker.AutoDetectChangesEnabled);
    }
}
