using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// `dotnet run` starts in Development, where the host validates its whole service graph at build (ValidateOnBuild,
/// ValidateScopes): a singleton that captures a scoped service stops the start. The other tests run in Testing, which
/// does not validate, so this one starts Development itself.
/// </summary>
public sealed class DevelopmentHostTests
{
    private sealed class DevelopmentPortal : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Development");
        }
    }

    [Fact]
    public async Task The_development_host_validates_its_service_graph_starts_and_serves_its_pages()
    {
        await using var portal = new DevelopmentPortal();
        using var client = portal.CreateClient();

        // Scope validation also runs per request: a page resolving a scoped service from the root answers 500.
        foreach (var path in new[] { "/healthz", "/", "/lookup", "/lookup/overseas", "/verify", "/Account/Login", "/Account/Register" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task A_development_database_from_before_row_binding_is_rewritten_on_start_instead_of_refused()
    {
        await using var portal = new DevelopmentPortal();
        _ = portal.Services; // started: migrated (and, with nothing old in it, left as it is)
        var services = portal.Services;
        Assert.False(await RotateKeysCommand.BindOldDevelopmentValuesAsync(services));
        var protector = services.GetRequiredService<FieldProtector>();
        await using (var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            db.Candidates.Add(new Candidate { IdType = IdType.Passport, IdNumber = "E99887766", IdNumberIndex = new byte[32], Name = "旧值", CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
            // As an older checkout wrote it: bound to the column only.
            await db.Database.ExecuteSqlRawAsync("UPDATE Candidates SET Name = {0} WHERE IdNumberIndex = {1}",
                protector.Protect("旧值", "Candidate.Name"), new byte[32]);
        }

        Assert.True(await RotateKeysCommand.BindOldDevelopmentValuesAsync(services));

        await using (var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("旧值", await db.Candidates.Where(c => c.IdType == IdType.Passport && c.IdNumberIndex == new byte[32]).Select(c => c.Name).SingleAsync());
            Assert.False(await RotateKeysCommand.BindOldDevelopmentValuesAsync(services));
        }
    }
}
