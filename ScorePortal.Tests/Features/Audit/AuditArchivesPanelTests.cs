using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Audit;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>The audit page says which entries are archived and where (from the manifests), in both languages.</summary>
public sealed class AuditArchivesPanelTests : PortalTestContext
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", $"archive-panel-{Guid.NewGuid():N}");

    public AuditArchivesPanelTests()
    {
        Services.AddSingleton(new AuditArchiveStore(_directory));
        Services.AddSingleton(Options.Create(new AuditOptions()));
    }

    private async Task ArchiveAsync(long first, long last)
    {
        Directory.CreateDirectory(_directory);
        var name = AuditArchiveStore.BaseName(first, last) + AuditArchiveStore.DataSuffix;
        await AuditArchiveStore.WriteManifestAsync(Path.Combine(_directory, AuditArchiveStore.BaseName(first, last) + AuditArchiveStore.ManifestSuffix),
            new AuditArchiveManifest(name, first, last, last - first + 1, AuditChain.Genesis, new string('a', 64), new string('b', 64),
                new string('c', 64), 12_345, new DateTimeOffset(2026, 9, 1, 2, 0, 0, TimeSpan.Zero), "key"), CancellationToken.None);
    }

    [Fact]
    public void With_nothing_archived_it_says_so_and_where_archives_would_go()
    {
        var cut = Render<AuditArchivesPanel>();
        cut.WaitForAssertion(() => Assert.Equal($"尚无归档：全部记录都在数据库中。超过 90 天的记录会归档到 {_directory}。",
            cut.Find("[data-testid=audit-archive-summary]").TextContent.Trim()));
    }

    [Fact]
    public async Task It_names_the_archived_range_the_directory_and_the_newest_files()
    {
        await ArchiveAsync(1, 1000);
        await ArchiveAsync(1001, 2500);
        UseCulture("en-US");

        var cut = Render<AuditArchivesPanel>();

        cut.WaitForAssertion(() => Assert.Equal($"Entries #1 to #2500 (2500 entries) are archived in {_directory}, 2 files; later entries are in the database.",
            cut.Find("[data-testid=audit-archive-summary]").TextContent.Trim()));
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("#1001 – #2500", rows[0].TextContent);
        Assert.Contains("audit-000000001001-000000002500.jsonl.gz", rows[0].TextContent);
        Assert.Contains("12,345", rows[0].TextContent);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
