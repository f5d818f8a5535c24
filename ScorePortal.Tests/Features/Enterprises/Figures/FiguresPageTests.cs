using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises.Figures;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>The figures page over the fixture's published results (services borrowed from its running portal).</summary>
public sealed class FiguresPageTests : PortalTestContext, IClassFixture<FiguresFixture>, IAsyncLifetime
{
    private readonly FiguresFixture _fixture;
    private readonly Bunit.TestDoubles.BunitAuthorizationContext _auth;

    public FiguresPageTests(FiguresFixture fixture)
    {
        _fixture = fixture;
        var sp = fixture.Portal.Services;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<DepartmentFigures>());
        Services.AddSingleton(sp.GetRequiredService<UploadRoster>());
        Services.AddSingleton(sp.GetRequiredService<IOptions<FiguresOptions>>());
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        _auth = AddAuthorization();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    // The first render queries a cold portal (JIT, first SQLite connections): more than bUnit's one second on a loaded machine.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services dispose only asynchronously; disposing the context here spares xunit's synchronous Dispose.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    private async Task SignedInAsync(string email)
    {
        await using var scope = _fixture.Portal.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        _auth.SetAuthorized(email).SetRoles(Roles.Enterprise).SetClaims(new Claim(ClaimTypes.NameIdentifier, user!.Id));
    }

    [Fact]
    public async Task The_page_charts_only_shown_rates_with_a_text_alternative_and_lists_small_groups_as_less_than_five()
    {
        await SignedInAsync(FiguresFixture.MemberA);

        var cut = Render<FiguresPage>();

        cut.WaitForAssertion(() => Assert.Contains("研发中心", cut.Find("[data-testid=pass-rates]").TextContent), Patience);
        var rows = cut.FindAll("[data-testid=pass-rates] tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Contains(rows, r => r[0] == "研发中心" && r[2] == "6" && r[3] == "5" && r[4] == "83.3%");
        Assert.Contains(rows, r => r[0] == "财务部" && r[2] == "<5" && r[3] == "<5" && r[4] == "<5");
        // One bar: 研发中心's rate; 财务部 is too small to chart. The chart is an image named for a screen reader.
        var chart = cut.Find("[data-testid=pass-rates-chart]");
        Assert.Contains(_fixture.Covered.Code, chart.GetAttribute("aria-label"));
        Assert.NotEmpty(chart.QuerySelectorAll("svg"));
        Assert.Equal("—", cut.Find("[data-testid=certificates] tbody td:last-child").TextContent.Trim());
        Assert.Equal("人数过少（n = 9）", cut.Find("[data-testid=talent-conclusion]").TextContent.Trim());
        Assert.DoesNotContain(FiguresFixture.BDepartment, cut.Markup);
        Assert.Equal("/enterprise/figures/export.csv", cut.Find("[data-testid=figures-export]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_member_of_the_other_enterprise_sees_only_its_own_department()
    {
        await SignedInAsync(FiguresFixture.MemberB);

        var cut = Render<FiguresPage>();

        cut.WaitForAssertion(() => Assert.Contains(FiguresFixture.BDepartment, cut.Find("[data-testid=pass-rates]").TextContent), Patience);
        Assert.DoesNotContain("研发中心", cut.Markup);
        Assert.DoesNotContain("财务部", cut.Markup);
    }

    [Fact]
    public async Task A_refused_upload_lists_its_rows_and_the_figures_stay()
    {
        await SignedInAsync(FiguresFixture.MemberA);
        var cut = Render<FiguresPage>();
        cut.WaitForAssertion(() => Assert.Contains("研发中心", cut.Find("[data-testid=pass-rates]").TextContent), Patience);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("employee_id,department\nE001,\nE#2,研发中心\n", "roster.csv"));
        cut.Find("[data-testid=roster-upload]").Click();

        cut.WaitForAssertion(() => Assert.Contains("未保存任何内容", cut.Find("[data-testid=roster-result]").TextContent), Patience);
        var errors = cut.FindAll("[data-testid=roster-errors] tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(["2", "department", "必填"], errors[0]);
        Assert.Equal("3", errors[1][0]);
        Assert.Equal("employee_id", errors[1][1]);
        Assert.Contains("研发中心", cut.Find("[data-testid=pass-rates]").TextContent);
        Assert.Equal(10, (await EnterpriseTestData.RosterAsync(_fixture.Portal.Services, _fixture.EnterpriseA)).Count);
    }
}
