using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>
/// Issue #26 item 1 on the admin pages: the database's disk full (a real 8 MB tmpfs, or SQLite's page limit where none
/// can be mounted) or the database read-only (<see cref="DatabaseFault"/>) while an admin approves a batch on its page or
/// imports a file on the batches page's import card. Must hold: the page names the cause in the admin's language (no
/// "try later", no stack trace), and the data is as before (the batch still waiting, no new batch); once the fault is
/// gone the same action succeeds. Services borrowed from a running demo portal, as in <see cref="BatchPagesTests"/>.
/// </summary>
public sealed class BatchPagesStorageFaultTests : PortalTestContext, IAsyncLifetime
{
    public static TheoryData<string> Faults => DatabaseFault.All;

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services dispose only asynchronously; disposing the context here spares xunit's synchronous Dispose.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    private void Borrow(DemoPortal portal, IServiceProvider sp, string userId)
    {
        Services.AddSingleton(sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>());
        Services.AddSingleton(sp.GetRequiredService<TimeProvider>());
        Services.AddSingleton(sp.GetRequiredService<ImportBatch>());
        Services.AddSingleton(sp.GetRequiredService<ImportFiles>());
        Services.AddSingleton(sp.GetRequiredService<IOptions<BatchOptions>>());
        Services.AddSingleton(sp.GetRequiredService<ScorePortal.Operations.StorageHealth>());
        // The page resolves its use case from a scope of its own.
        Services.AddTransient(_ => portal.Services.CreateScope().ServiceProvider.GetRequiredService<ApproveBatch>());
        AddAuthorization().SetAuthorized("admin").SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Approving_under_a_storage_fault_names_the_cause_and_leaves_the_batch_waiting(string fault)
    {
        using var storage = DatabaseFault.Create(fault);
        await using var portal = storage.Portal();
        var session = await ScheduledSessionAsync(portal);
        var approver = await UserIdAsync(portal, "admin2@scoreportal.demo");
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, await OneCandidateFileAsync(portal, session, "approve.csv")));
        Borrow(portal, portal.Services, approver);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<BatchPage>(p => p.Add(c => c.Id, imported.BatchId));
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=approve]").HasAttribute("disabled")));

        storage.Start();
        var approving = cut.Find("[data-testid=approve]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll(".mud-dialog button")));
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "确定").Click();
        await approving;

        var snackbar = Services.GetRequiredService<ISnackbar>();
        cut.WaitForAssertion(() => Assert.Contains(snackbar.ShownSnackbars, s => s.Message is { } m && m.StartsWith(storage.Message.Zh, StringComparison.Ordinal)));
        Assert.Equal(ResultBatchStatus.Validated, await StatusAsync(portal, imported.BatchId));

        storage.End();
        var approved = await portal.Services.CreateScope().ServiceProvider.GetRequiredService<ApproveBatch>()
            .HandleAsync(new ApproveBatchRequest(imported.BatchId, approver));
        Assert.True(approved.Succeeded, approved.ErrorKey);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task An_import_on_the_card_under_a_storage_fault_names_the_cause_and_stores_nothing(string fault)
    {
        using var storage = DatabaseFault.Create(fault);
        await using var portal = storage.Portal();
        var session = await ScheduledSessionAsync(portal);
        var importer = await UserIdAsync(portal);
        var text = await File.ReadAllTextAsync(await OneCandidateFileAsync(portal, session, "card.csv"));
        Borrow(portal, portal.Services, importer);
        var before = await CountAsync(portal);
        var cut = Render<ImportCard>(p => p.Add(c => c.Sessions, [new ImportCard.SessionChoice(session, "测试考试", "Test session")]));

        storage.Start();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(text, "card.csv", contentType: "text/csv"));
        await cut.Find("[data-testid=import-start]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.StartsWith(storage.Message.Zh, cut.Find("[data-testid=import-result]").TextContent.Trim(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("   at ", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(portal));

        storage.End();
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(text, "card.csv", contentType: "text/csv"));
        await cut.Find("[data-testid=import-start]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=import-fingerprint]")), TimeSpan.FromSeconds(30));
        Assert.Equal(before.Batches + 1, (await CountAsync(portal)).Batches);
    }

    private static async Task<string> OneCandidateFileAsync(DemoPortal portal, string session, string name) =>
        await new ResultsFile().SeniorCandidate($"{session}-51-710001", ResultsFile.ResidentId(211, "510104"), "白居易", "51", 50, 50, 50)
            .SaveAsync(portal.Directory, name);

    private static async Task<ResultBatchStatus> StatusAsync(DemoPortal portal, int batchId)
    {
        await using var db = await CreateDbAsync(portal);
        return await db.ResultBatches.Where(b => b.Id == batchId).Select(b => b.Status).SingleAsync();
    }
}
