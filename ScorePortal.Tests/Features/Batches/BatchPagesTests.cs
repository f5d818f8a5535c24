using System.Security.Claims;
using Bunit.TestDoubles;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>
/// The two admin batch pages render what an import stored (services borrowed from a running demo portal, the
/// batches made through the real use cases). The browser flow is in EndToEnd/BatchWorkflowTests.
/// </summary>
public sealed class BatchPagesTests : PortalTestContext, IAsyncLifetime
{
    private readonly DemoPortal _portal = new();
    private AsyncServiceScope _scope;
    private string _session = "";
    private string _importer = "";
    private string _approver = "";
    private BunitAuthorizationContext _auth = null!;

    public async Task InitializeAsync()
    {
        _scope = _portal.Services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<TimeProvider>());
        Services.AddSingleton(sp.GetRequiredService<ImportBatch>());
        Services.AddSingleton(sp.GetRequiredService<ImportFiles>());
        Services.AddSingleton(sp.GetRequiredService<IOptions<BatchOptions>>());
        Services.AddSingleton(sp.GetRequiredService<ScorePortal.Operations.StorageHealth>());
        _auth = AddAuthorization();
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        _session = await ScheduledSessionAsync(_portal);
        _importer = await UserIdAsync(_portal);
        _approver = await UserIdAsync(_portal, "admin2@scoreportal.demo");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // MudBlazor's services dispose only asynchronously; disposing the context here spares xunit's synchronous Dispose.
        await DisposeAsync();
        await _scope.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Batches_page_lists_an_imported_batch_with_its_status_and_importer_next_to_the_demo_batches()
    {
        var imported = await ImportThreeCandidatesAsync("first.csv");
        SignedInAs(_importer);

        var cut = Render<BatchesPage>();

        cut.WaitForAssertion(() => Assert.Contains("first.csv", cut.Find("[data-testid=batches]").TextContent));
        var row = cut.FindAll("[data-testid=batches] tbody tr").First(r => r.TextContent.Contains("first.csv"));
        Assert.Contains(_session, row.TextContent);
        Assert.Contains("待审核", row.TextContent);
        Assert.Contains("admin@scoreportal.demo", row.TextContent);
        Assert.Equal($"/admin/batches/{imported.BatchId}", row.QuerySelector("a")!.GetAttribute("href"));
        // The demo data's published batches are listed too, and the import card offers the template.
        Assert.Contains("-results-v1.csv", cut.Find("[data-testid=batches]").TextContent);
        Assert.Equal("/admin/batches/template.csv", cut.Find("[data-testid=template-link]").GetAttribute("href"));
    }

    [Fact]
    public async Task Batches_page_renders_no_stray_brace_after_its_table()
    {
        await ImportThreeCandidatesAsync("brace.csv");
        SignedInAs(_importer);

        var cut = Render<BatchesPage>();

        cut.WaitForAssertion(() => Assert.Contains("brace.csv", cut.Find("[data-testid=batches]").TextContent));
        // A brace left after the @code block renders as a text node of its own under the table.
        var texts = cut.Nodes.SelectMany(n => n.GetDescendantsAndSelf()).OfType<AngleSharp.Dom.IText>()
            .Where(t => t.ParentElement?.LocalName is not ("script" or "style"))
            .Select(t => t.Text.Trim());
        Assert.DoesNotContain(texts, t => t is "}" or "{");
    }

    [Fact]
    public async Task Batch_page_shows_the_grouped_fingerprint_and_the_preview_figures_and_keeps_the_importer_from_approving()
    {
        var imported = await ImportThreeCandidatesAsync("preview.csv");
        SignedInAs(_importer);

        var cut = Render<BatchPage>(p => p.Add(c => c.Id, imported.BatchId));

        cut.WaitForAssertion(() => Assert.Equal(BatchFingerprint.Grouped(imported.Fingerprint), cut.Find("[data-testid=batch-fingerprint]").TextContent.Trim()));
        Assert.Equal($"{_session} 第 1 版", cut.Find("[data-testid=batch-title]").TextContent.Trim());
        // Three registrations of S01: one passed, one failed, one absent from every subject.
        Assert.Equal(["3", "2", "1", "1", "50.0%"], Cells(cut, "by-qualification", "S01"));
        Assert.Equal(["2", "2", "0", "1", "50.0%"], Cells(cut, "by-province", "51"));
        Assert.Equal(["1", "0", "1", "0", "0.0%"], Cells(cut, "by-province", "11"));
        Assert.Equal(["2", "2", "0", "1", "50.0%"], Cells(cut, "by-group", "S01 · 51"));
        // The importer sees why the decision is not theirs.
        Assert.Contains("另一位管理员", cut.Find("[data-testid=own-batch]").TextContent);
        Assert.True(cut.Find("[data-testid=approve]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_correction_links_to_the_published_version_it_replaces_and_both_are_in_the_history()
    {
        var first = await ImportThreeCandidatesAsync("v1.csv");
        Assert.True((await _portal.Services.CreateScope().ServiceProvider.GetRequiredService<ApproveBatch>()
            .HandleAsync(new ApproveBatchRequest(first.BatchId, _approver))).Succeeded);
        Assert.True((await _portal.Services.CreateScope().ServiceProvider.GetRequiredService<PublishBatch>()
            .HandleAsync(new PublishBatchRequest(first.BatchId, _approver))).Succeeded);
        var correction = await ImportThreeCandidatesAsync("v2.csv", failedScore: 46);
        SignedInAs(_approver);

        var cut = Render<BatchPage>(p => p.Add(c => c.Id, correction.BatchId));

        cut.WaitForAssertion(() => Assert.Equal($"/admin/batches/{first.BatchId}", cut.Find("[data-testid=supersedes-link]").GetAttribute("href")));
        Assert.Contains("第 1 版", cut.Find("[data-testid=supersedes-link]").TextContent);
        Assert.Equal(["3", "2", "1", "2", "100.0%"], Cells(cut, "by-qualification", "S01"));
        // The second admin may decide: the buttons are live.
        Assert.False(cut.Find("[data-testid=approve]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=own-batch]"));
    }

    private void SignedInAs(string userId) =>
        _auth.SetAuthorized("admin").SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));

    private static string[] Cells<T>(IRenderedComponent<T> cut, string table, string key) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.FindAll($"[data-testid={table}] tbody tr").Single(r => r.QuerySelector("th")!.TextContent.Trim() == key)
            .QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray();

    /// <summary>Two candidates in Sichuan (one passes, one fails a subject) and one in Beijing absent from everything.</summary>
    private async Task<ImportOutcome.Imported> ImportThreeCandidatesAsync(string fileName, int failedScore = 30)
    {
        var file = new ResultsFile()
            .SeniorCandidate($"{_session}-51-700001", ResultsFile.ResidentId(201, "510104"), "杜甫", "51", 50, 50, 50)
            .SeniorCandidate($"{_session}-51-700002", ResultsFile.ResidentId(202, "510104"), "王维", "51", 50, failedScore, 50);
        foreach (var subject in new[] { "ZH", "AL", "LW" })
            file.Row($"{_session}-11-700003", "resident", ResultsFile.ResidentId(203), "孟浩然", "11", "S01", subject, "", "absent");
        var path = await file.SaveAsync(_portal.Directory, fileName);
        return Assert.IsType<ImportOutcome.Imported>(await ImportAsync(_portal, _session, path));
    }
}
