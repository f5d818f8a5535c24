using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Results;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The admin page that builds the provincial sites' links, over the demo data.</summary>
public sealed class EntryLinksPageTests : PortalTestContext, IAsyncLifetime
{
    private readonly DemoPortal _portal = new();
    private AsyncServiceScope _scope;

    public Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<SessionCatalog>());
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

    [Fact]
    public async Task The_page_builds_the_link_for_the_default_session_and_the_first_province_and_copies_it()
    {
        var sessions = await _portal.Services.GetRequiredService<SessionCatalog>().AllAsync();
        var copy = JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true);
        copy.SetVoidResult();

        var cut = Render<EntryLinksPage>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=entry-copy]")));
        var expected = ProvincialEntry.Link("http://localhost/", LookupHtml.DefaultSessionCode(sessions)!, "11");
        Assert.Equal(expected, cut.Find("#entry-link").GetAttribute("value"));
        Assert.Equal(expected, cut.Find("[data-testid=entry-open]").GetAttribute("href"));

        cut.Find("[data-testid=entry-copy]").Click();

        Assert.Equal(expected, copy.Invocations.Single().Arguments[0]);
        cut.WaitForAssertion(() => Assert.Equal("链接已复制。", cut.Find("[data-testid=entry-copied]").TextContent.Trim()));
    }
}
