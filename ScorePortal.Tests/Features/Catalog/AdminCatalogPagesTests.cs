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

    [Fact]
    public async Task Deleting_a_qualification_with_registrations_asks_first_and_then_says_why_it_stays()
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var registered = await db.Qualifications.AsNoTracking().OrderBy(q => q.Code)
            .FirstAsync(q => db.Registrations.Any(r => r.QualificationId == q.Id));
        var cut = Render<CatalogPage>();
        cut.WaitForAssertion(() => Assert.Contains(registered.Code, cut.Find("[data-testid=qualifications-table]").TextContent));
        cut.Find("input[placeholder='搜索代码或名称']").Input(registered.Code);

        cut.WaitForElement($"[aria-label='删除资格 {registered.Code}']").Click();
        cut.WaitForAssertion(() => Assert.Contains("删除资格？", cut.Find(".mud-dialog").TextContent));
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "删除").Click();

        cut.WaitForAssertion(() => Assert.Contains($"资格 {registered.Code} 已有报名、成绩或证书引用，不能删除。", cut.Markup));
        Assert.True(await db.Qualifications.AnyAsync(q => q.Id == registered.Id));
    }

    [Fact]
    public async Task An_exam_center_changed_by_another_admin_meanwhile_is_reloaded_with_a_message_instead_of_overwritten()
    {
        var cut = Render<ProvincesPage>();
        cut.WaitForAssertion(() => Assert.Contains("天津市", cut.Find("[data-testid=provinces-table]").TextContent));
        cut.Find("[aria-label='编辑 天津市 的考试机构']").Click();
        cut.Find("[data-testid=province-form] input[type=tel]").Change("022-11111111");

        // Another admin saves the same exam center first.
        await using (var db = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var tianjin = await db.Provinces.AsNoTracking().SingleAsync(p => p.Code == "12");
            var other = await Services.GetRequiredService<SaveProvince>().HandleAsync(new SaveProvinceRequest("12", tianjin.ExamCenterNameZh,
                tianjin.ExamCenterNameEn, "022-22222222", tianjin.ContactEmail, tianjin.ContactAddress, tianjin.Website, "admin-b", SaveProvince.VersionOf(tianjin)));
            Assert.True(other.Succeeded);
        }
        cut.Find("[data-testid=province-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("另一位管理员已修改并保存了这条记录", cut.Find("[data-testid=province-form]").TextContent));
        Assert.Equal("022-22222222", cut.Find("[data-testid=province-form] input[type=tel]").GetAttribute("value"));
        await using var check = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.Equal("022-22222222", (await check.Provinces.AsNoTracking().SingleAsync(p => p.Code == "12")).ContactPhone);
    }

    [Fact]
    public async Task A_session_changed_by_another_admin_meanwhile_is_reloaded_with_a_message_instead_of_overwritten()
    {
        UseCulture("en-US");
        await using var db = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt == null).SingleAsync();
        var cut = Render<SessionsPage>();
        cut.WaitForElement($"[aria-label='Edit {session.Code}']").Click();
        cut.Find("[data-testid=session-form] input[value='" + session.NameEn + "']").Change("Renamed here");

        var other = await Services.GetRequiredService<SaveSession>().HandleAsync(new SaveSessionRequest(session.Id, session.Year, session.Half,
            session.NameZh, "Renamed elsewhere", session.ExamStartDate, session.ExamEndDate, session.ReleaseAt, session.ReviewOpensAt,
            session.ReviewClosesAt, "admin-b", SaveSession.VersionOf(session)));
        Assert.True(other.Succeeded);
        cut.Find("[data-testid=session-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Another admin changed and saved this record", cut.Find("[data-testid=session-form]").TextContent));
        Assert.NotEmpty(cut.FindAll("[data-testid=session-form] input[value='Renamed elsewhere']"));
        Assert.Equal("Renamed elsewhere", (await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id)).NameEn);
    }
}
