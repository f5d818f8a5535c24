using Microsoft.AspNetCore.Hosting;
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
}
