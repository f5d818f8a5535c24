using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Analytics;
using ScorePortal.Features.Reviews;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Analytics;

/// <summary>The analytics page over the demo data: its by-level table names each level in the reader's language.</summary>
public sealed class AnalyticsPageTests : PortalTestContext, IAsyncLifetime
{
    private readonly DemoPortal _portal = new();
    private AsyncServiceScope _scope;

    public Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<SessionStatistics>());
        Services.AddSingleton(sp.GetRequiredService<ReviewFigures>());
        AddAuthorization().SetAuthorized("admin");
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Theory]
    [InlineData("zh-CN", new[] { "初级资格", "中级资格", "高级资格" })]
    [InlineData("en-US", new[] { "Junior", "Intermediate", "Senior" })]
    public void By_level_rows_show_the_level_name_in_the_reader_s_language_never_its_code(string culture, string[] names)
    {
        UseCulture(culture);

        var cut = Render<AnalyticsPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=analytics-by-level] tbody th")), TimeSpan.FromSeconds(30));
        var keys = cut.FindAll("[data-testid=analytics-by-level] tbody th").Select(th => th.TextContent.Trim()).ToList();
        // The demo results cover every level; the rows keep the catalog's order.
        Assert.Equal(names, keys);
        Assert.DoesNotContain(keys, k => k is "junior" or "intermediate" or "senior");
    }
}
