using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// Issue #23, item 3: <c>/admin/audit</c> names who acted by email (a candidate's masked) and narrows the log to one
/// actor, typed as an email; services borrowed from a running demo portal. The export is <see cref="AuditExportTests"/>.
/// </summary>
public sealed class AuditLogPageTests : PortalTestContext, IAsyncLifetime
{
    private readonly DemoPortal _portal = new();
    private AsyncServiceScope _scope;
    private AuditLogTestData _data = null!;

    public async Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<AuditCheckpoints>());
        Services.AddSingleton(sp.GetRequiredService<AuditLog>());
        Services.AddSingleton(sp.GetRequiredService<AuditArchiveStore>());
        Services.AddSingleton(sp.GetRequiredService<IOptions<AuditOptions>>());
        Services.AddSingleton(sp.GetRequiredService<ILookupNormalizer>());
        var auth = AddAuthorization();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        _data = await AuditLogTestData.WriteAsync(_portal);
        auth.SetAuthorized("admin").SetClaims(new Claim(ClaimTypes.NameIdentifier, _data.AdminId));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _portal.DisposeAsync();
    }

    /// <summary>Generous: the machine is shared, and the table loads from a real database after a debounce.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static IElement Input(IRenderedComponent<AuditPage> cut, string testId) =>
        cut.Find($"[data-testid={testId}]") is { TagName: "INPUT" } input ? input : cut.Find($"[data-testid={testId}] input");

    private static List<string> Actions(IRenderedComponent<AuditPage> cut) =>
        cut.FindAll("[data-testid=audit-entries] tbody tr code").Select(c => c.TextContent.Trim()).Where(t => t.Contains('.')).ToList();

    [Fact]
    public void Entries_name_staff_and_admins_by_email_and_candidates_by_a_masked_email_only()
    {
        var cut = Render<AuditPage>();

        cut.WaitForAssertion(() => Assert.Contains("c***@scoreportal.demo", cut.Find("[data-testid=audit-entries]").TextContent), Wait);
        var actors = cut.FindAll("[data-testid=audit-actor]").Select(a => a.TextContent).ToList();
        Assert.Contains(actors, a => a.Contains("staff.shanghai@scoreportal.demo", StringComparison.Ordinal));
        Assert.Contains(actors, a => a.Contains("admin2@scoreportal.demo", StringComparison.Ordinal));
        // The account the candidate signed in to is named the same way, and the full address appears nowhere.
        Assert.Contains(cut.FindAll("[data-testid=audit-target]"), t => t.TextContent.Contains("user") && t.TextContent.Contains("c***@scoreportal.demo"));
        Assert.DoesNotContain("candidate@scoreportal.demo", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Typing_an_actors_email_narrows_the_log_to_that_account_and_the_export_link_carries_the_filter()
    {
        var cut = Render<AuditPage>();
        cut.WaitForAssertion(() => Assert.Contains(AuditActions.ReviewScreen, Actions(cut)), Wait);

        Input(cut, "audit-filter-actor").Input(" Staff.Shanghai@ScorePortal.demo ");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal([AuditActions.ReviewScreen], Actions(cut));
            Assert.Equal("共 1 条", cut.Find("[data-testid=audit-count]").TextContent.Trim());
            Assert.Equal("/admin/audit/export.csv?actor=Staff.Shanghai%40ScorePortal.demo",
                cut.Find("[data-testid=audit-export-csv]").GetAttribute("href"));
        }, Wait);

        // An address with no account finds nothing (never "everyone"), and the page says why.
        Input(cut, "audit-filter-actor").Input("nobody@scoreportal.demo");
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("没有邮箱为 nobody@scoreportal.demo 的账户", cut.Find("[data-testid=audit-unknown]").TextContent);
            Assert.Empty(Actions(cut));
            Assert.Equal("共 0 条", cut.Find("[data-testid=audit-count]").TextContent.Trim());
        }, Wait);
    }

    [Fact]
    public void In_English_the_filters_and_the_count_are_English()
    {
        UseCulture("en-US");
        var cut = Render<AuditPage>();

        cut.WaitForAssertion(() => Assert.Matches(@"^\d+ entries$", cut.Find("[data-testid=audit-count]").TextContent.Trim()), Wait);
        Assert.Contains("Actor's email", cut.Find("[data-testid=audit-filters]").TextContent);
        Assert.Contains("Export CSV (this filter)", cut.Find("[data-testid=audit-export-csv]").TextContent);
    }
}
