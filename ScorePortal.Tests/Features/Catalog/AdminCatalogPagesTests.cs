using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Catalog;
using ScorePortal.Features.Sessions;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Catalog;

/// <summary>The three admin pages render the demo portal's rows (services borrowed from a running demo portal).</summary>
public sealed class AdminCatalogPagesTests : PortalTestContext, IAsyncLifetime
{
    private readonly DemoPortal _portal = new();
    private AsyncServiceScope _scope;

    public Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<TimeProvider>());
        Services.AddSingleton(sp.GetRequiredService<SaveSession>());
        Services.AddSingleton(sp.GetRequiredService<SaveLevel>());
        Services.AddSingleton(sp.GetRequiredService<SaveQualification>());
        Services.AddSingleton(sp.GetRequiredService<SaveSubject>());
        Services.AddSingleton(sp.GetRequiredService<DeleteSubject>());
        Services.AddSingleton(sp.GetRequiredService<DeleteQualification>());
        Services.AddSingleton(sp.GetRequiredService<SaveProvince>());
        AddAuthorization().SetAuthorized("test-admin");
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // MudBlazor's services dispose only asynchronously; disposing the context here spares xunit's synchronous Dispose.
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public void Sessions_page_lists_the_demo_sessions_newest_first_with_their_status()
    {
        var cut = Render<SessionsPage>();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=sessions-table] tbody tr").Count));
        var rows = cut.FindAll("[data-testid=sessions-table] tbody tr");
        Assert.Contains("待发布", rows[0].TextContent);
        Assert.Contains("成绩已公开", rows[1].TextContent);
    }

    [Fact]
    public async Task Catalog_page_lists_the_demo_qualifications_and_opens_a_qualifications_subjects()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var first = (await db.Qualifications.Select(q => q.Code).ToListAsync()).Order(StringComparer.Ordinal).First();
        var cut = Render<CatalogPage>();

        cut.WaitForAssertion(() => Assert.Contains(first, cut.Find("[data-testid=qualifications-table]").TextContent));
        cut.Find($"[aria-label='查看 {first} 的科目']").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=subjects-table] tbody tr")));
    }

    [Fact]
    public void Provinces_page_lists_the_exam_centers_and_shows_an_email_error_from_the_server()
    {
        UseCulture("en-US");
        var cut = Render<ProvincesPage>();

        cut.WaitForAssertion(() => Assert.Contains("Beijing", cut.Find("[data-testid=provinces-table]").TextContent));
        cut.Find("[aria-label='Edit the exam center of Beijing']").Click();
        cut.Find("[data-testid=province-form] input[type=email]").Change("not-an-email");
        cut.Find("[data-testid=province-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Enter a valid email address.", cut.Find("[data-testid=province-form]").TextContent));
    }
}
