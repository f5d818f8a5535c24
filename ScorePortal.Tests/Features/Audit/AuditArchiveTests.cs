using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// Issue #22, item 6: old audit entries leave the live table for signed, compressed archives, and <c>verify-audit</c>
/// still proves the whole history — archives, their manifests, their links, the checkpoint file's record of them and
/// the live table — and names what was tampered with.
/// </summary>
public sealed class AuditArchiveTests
{
    private static readonly TimeSpan Old = TimeSpan.FromDays(91);

    private static async Task WriteAsync(PortalFactory portal, int count)
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++) await log.WriteDurableAsync(new AuditRecord("test.archive", TargetId: i.ToString()));
    }

    /// <summary>Writes <paramref name="count"/> entries and signs a checkpoint over them; the checkpoint's sequence.</summary>
    private static async Task<long> WriteAndSignAsync(PortalFactory portal, int count)
    {
        await WriteAsync(portal, count);
        return (await portal.Services.GetRequiredService<AuditCheckpoints>().CreateAsync())!.UpToSequence;
    }

    /// <summary>An archiver on a clock the test sets (the entries were written on the real one).</summary>
    private static AuditArchiver Archiver(PortalFactory portal, TimeProvider clock, int maxEntriesPerFile = 1_000_000)
    {
        var s = portal.Services;
        var options = s.GetRequiredService<IOptions<AuditOptions>>().Value;
        var settings = new AuditOptions
        {
            CheckpointInterval = options.CheckpointInterval,
            Archive = new AuditArchiveOptions { After = options.Archive.After, Directory = options.Archive.Directory, MaxEntriesPerFile = maxEntriesPerFile },
        };
        return new AuditArchiver(s.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(), s.GetRequiredService<AuditSigner>(), clock,
            s.GetRequiredService<AuditCheckpointFile>(), s.GetRequiredService<AuditArchiveStore>(), Options.Create(settings),
            NullLogger<AuditArchiver>.Instance);
    }

    private static FakeTimeProvider Later(TimeSpan by) => new(DateTimeOffset.UtcNow + by);

    private static async Task<(int Exit, string Output)> CommandAsync(PortalFactory portal, PortalCommand command, params string[] args)
    {
        var output = new StringWriter();
        var exit = await command.RunAsync(portal.Services, new([.. args, "--lang", "en-US"]), output);
        return (exit, output.ToString());
    }

    private static async Task<(long First, long Count)> LiveAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return (await db.AuditEntries.MinAsync(e => e.Sequence), await db.AuditEntries.LongCountAsync());
    }

    private static AuditArchiveStore Store(PortalFactory portal) => portal.Services.GetRequiredService<AuditArchiveStore>();

    private static string CheckpointFilePath(PortalFactory portal) => portal.Services.GetRequiredService<AuditCheckpointFile>().Path;

    /// <summary>Three archives (ending at three checkpoints) and a live tail.</summary>
    private static async Task<(List<AuditArchiveManifest> Archives, long LiveFrom)> ThreeArchivesAsync(PortalFactory portal)
    {
        await WriteAndSignAsync(portal, 10);
        var second = await WriteAndSignAsync(portal, 10);
        var third = await WriteAndSignAsync(portal, 10);
        await WriteAndSignAsync(portal, 3);
        // At most 15 entries a file: each archive ends at the next checkpoint.
        var run = await Archiver(portal, Later(Old), maxEntriesPerFile: 15).ArchiveAsync();
        Assert.Equal(3, run.Archived.Count);
        Assert.Equal(third, run.Archived[^1].LastSequence);
        Assert.Equal(second, run.Archived[1].LastSequence);
        return (run.Archived.ToList(), third + 1);
    }

    [Fact]
    public async Task Old_entries_move_to_a_signed_gzip_archive_the_live_table_shrinks_and_verify_audit_still_proves_everything()
    {
        await using var portal = new PortalFactory();
        var signed = await WriteAndSignAsync(portal, 40);
        await WriteAsync(portal, 5);
        var (_, before) = await LiveAsync(portal);
        var total = before;

        // 89 days on, nothing is old enough; 91 days on, everything up to the newest checkpoint is (never the newest entry).
        Assert.Empty((await Archiver(portal, Later(TimeSpan.FromDays(89))).ArchiveAsync()).Archived);
        var run = await Archiver(portal, Later(Old)).ArchiveAsync();

        var manifest = Assert.Single(run.Archived);
        Assert.Equal((1L, signed, signed), (manifest.FirstSequence, manifest.LastSequence, manifest.Count));
        Assert.Equal(AuditChain.Genesis, manifest.PreviousHash);
        var data = Store(portal).DataPath(manifest.File);
        Assert.True(File.Exists(data));
        Assert.True(File.Exists(Store(portal).ManifestPath(1, signed)));
        Assert.Equal(manifest.Sha256, await AuditArchiveStore.Sha256Async(data, CancellationToken.None));
        Assert.True(AuditSigner.VerifyArchive(portal.Services.GetRequiredService<AuditSigner>().PublicKeyPem, manifest));
        // Every line is an entry with every column the chain needs, and it chains.
        var archived = new List<AuditEntry>();
        await foreach (var e in AuditArchiveStore.ReadEntriesAsync(data, CancellationToken.None)) archived.Add(e);
        Assert.Null(AuditChain.FirstBroken(archived));
        Assert.Equal(signed, archived.Count);

        var (liveFrom, liveCount) = await LiveAsync(portal);
        Assert.Equal(signed + 1, liveFrom);
        Assert.Equal(before - signed, liveCount);
        var recorded = Assert.Single(await AuditCheckpointFile.ReadArchivesAsync(CheckpointFilePath(portal), CancellationToken.None));
        Assert.Equal((manifest.File, manifest.Sha256, manifest.LastHash), (recorded.File, recorded.Sha256, recorded.LastHash));

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(result.Intact, string.Join("; ", result.Problems.Select(VerifyAuditCommand.Describe)));
        Assert.Equal(total, result.Entries);
        var (exit, output) = await CommandAsync(portal, VerifyAuditCommand.Command);
        Assert.Equal(0, exit);
        Assert.Contains($"Audit chain intact: {total} entries", output);

        // Nothing more is due: a second run archives nothing and the writer keeps appending to the same chain.
        Assert.Empty((await Archiver(portal, Later(Old)).ArchiveAsync()).Archived);
        await WriteAndSignAsync(portal, 2);
        Assert.True((await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync()).Intact);
    }

    /// <summary>The portal's services, with an archiver on the test's clock in place of the portal's.</summary>
    private sealed class WithArchiver(IServiceProvider inner, AuditArchiver archiver) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(AuditArchiver) ? archiver : inner.GetService(serviceType);
    }

    [Fact]
    public async Task The_archive_audit_command_archives_what_is_due_and_says_where()
    {
        await using var portal = new PortalFactory();
        Assert.Contains(ArchiveAuditCommand.Command, portal.Services.GetServices<PortalCommand>());
        var signed = await WriteAndSignAsync(portal, 5);
        await WriteAsync(portal, 1);

        var (nothing, none) = await CommandAsync(portal, ArchiveAuditCommand.Command);
        Assert.Equal(0, nothing);
        Assert.Contains("Nothing to archive", none);

        var output = new StringWriter();
        var exit = await ArchiveAuditCommand.Command.RunAsync(new WithArchiver(portal.Services, Archiver(portal, Later(Old))),
            new(["--lang", "en-US"]), output);
        Assert.Equal(0, exit);
        Assert.Contains($"Archived entries #1 to #{signed} ({signed} entries", output.ToString());
        Assert.Contains(Store(portal).DataPath(AuditArchiveStore.BaseName(1, signed) + AuditArchiveStore.DataSuffix), output.ToString());
        Assert.Equal(signed + 1, (await LiveAsync(portal)).First);
        var (verified, report) = await CommandAsync(portal, VerifyAuditCommand.Command);
        Assert.True(verified == 0, report);
    }

    [Fact]
    public async Task The_background_job_archives_what_became_old_on_its_own()
    {
        await using var portal = new PortalFactory();
        var signed = await WriteAndSignAsync(portal, 7);
        await WriteAsync(portal, 1);
        var clock = Later(Old);
        var job = new AuditArchiveService(Archiver(portal, clock), clock, portal.Services.GetRequiredService<IOptions<AuditOptions>>(),
            NullLogger<AuditArchiveService>.Instance);
        await job.StartAsync(CancellationToken.None);
        try
        {
            // Past the job's first run, five minutes after start (the job reaches its wait on its own thread: turn the
            // clock until it has run).
            for (var i = 0; i < 300 && (await LiveAsync(portal)).First == 1; i++)
            {
                clock.Advance(TimeSpan.FromMinutes(5));
                await Task.Delay(100);
            }
        }
        finally
        {
            await job.StopAsync(CancellationToken.None);
        }
        var manifest = Assert.Single((await Store(portal).ListAsync()).Manifests);
        Assert.Equal((1L, signed), (manifest.FirstSequence, manifest.LastSequence));
        Assert.Equal(signed + 1, (await LiveAsync(portal)).First);
    }

    [Fact]
    public async Task An_edited_archive_file_is_named_with_the_entry_whose_hash_no_longer_matches()
    {
        await using var portal = new PortalFactory();
        var (archives, _) = await ThreeArchivesAsync(portal);
        var middle = archives[1];
        var path = Store(portal).DataPath(middle.File);
        string[] lines;
        await using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip)) lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[2] = lines[2].Replace("\"action\":\"test.archive\"", "\"action\":\"test.harmless\"", StringComparison.Ordinal);
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal))
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.Equal(middle.FirstSequence + 2, result.FirstBrokenSequence);
        Assert.Contains(new AuditProblem(AuditProblemKind.ArchiveDamaged, middle.FirstSequence, middle.File), result.Problems);
        var (exit, output) = await CommandAsync(portal, VerifyAuditCommand.Command);
        Assert.Equal(1, exit);
        Assert.Contains($"Archive {middle.File} (from entry #{middle.FirstSequence}) no longer matches its signed manifest", output);
        Assert.Contains($"Audit chain broken at entry #{middle.FirstSequence + 2}", output);
    }

    [Fact]
    public async Task An_edited_manifest_fails_its_signature()
    {
        await using var portal = new PortalFactory();
        var (archives, _) = await ThreeArchivesAsync(portal);
        var first = archives[0];
        var manifestPath = Store(portal).ManifestPath(first.FirstSequence, first.LastSequence);
        // Someone hides the archive's true size and date.
        var json = await File.ReadAllTextAsync(manifestPath);
        await File.WriteAllTextAsync(manifestPath, json.Replace($"\"bytes\":{first.Bytes}", $"\"bytes\":{first.Bytes + 1}", StringComparison.Ordinal));

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.Equal([new AuditProblem(AuditProblemKind.ArchiveForged, first.FirstSequence, first.File)], result.Problems);
        var (exit, output) = await CommandAsync(portal, VerifyAuditCommand.Command);
        Assert.Equal(1, exit);
        Assert.Contains($"The manifest of archive {first.File} (from entry #{first.FirstSequence}) does not carry a valid signature", output);
    }

    [Fact]
    public async Task Deleting_an_archive_in_the_middle_names_the_missing_entries()
    {
        await using var portal = new PortalFactory();
        var (archives, _) = await ThreeArchivesAsync(portal);
        var middle = archives[1];
        File.Delete(Store(portal).DataPath(middle.File));
        File.Delete(Store(portal).ManifestPath(middle.FirstSequence, middle.LastSequence));

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.Equal(middle.FirstSequence, result.FirstBrokenSequence);
        Assert.Contains(new AuditProblem(AuditProblemKind.ArchiveMissing, middle.FirstSequence, middle.LastSequence.ToString()), result.Problems);
        var (exit, output) = await CommandAsync(portal, VerifyAuditCommand.Command);
        Assert.Equal(1, exit);
        Assert.Contains($"Archived entries #{middle.FirstSequence} to #{middle.LastSequence} are missing", output);

        // The archiver refuses to bury the gap under a new archive.
        await WriteAndSignAsync(portal, 2);
        Assert.NotNull((await Archiver(portal, Later(Old)).ArchiveAsync()).Refused);
    }

    [Fact]
    public async Task Deleting_the_newest_archive_with_its_manifest_is_caught_by_the_checkpoint_files_record()
    {
        await using var portal = new PortalFactory();
        var (archives, liveFrom) = await ThreeArchivesAsync(portal);
        var newest = archives[^1];
        File.Delete(Store(portal).DataPath(newest.File));
        File.Delete(Store(portal).ManifestPath(newest.FirstSequence, newest.LastSequence));

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.Equal(newest.FirstSequence, result.FirstBrokenSequence);
        Assert.Contains(new AuditProblem(AuditProblemKind.ArchiveMissing, newest.FirstSequence, (liveFrom - 1).ToString()), result.Problems);
    }

    [Fact]
    public async Task A_run_stopped_between_writing_the_archive_and_deleting_the_rows_is_consistent_and_the_next_run_finishes_it()
    {
        await using var portal = new PortalFactory();
        var signed = await WriteAndSignAsync(portal, 12);
        await WriteAndSignAsync(portal, 2);
        var manifest = Assert.Single((await Archiver(portal, Later(Old)).ArchiveAsync()).Archived);

        // The state a crash after the files were written (and recorded) but before the deletion leaves: the archive
        // complete on disk and its rows still in the table. Put the rows back as they were.
        var rows = new List<AuditEntry>();
        await foreach (var e in AuditArchiveStore.ReadEntriesAsync(Store(portal).DataPath(manifest.File), CancellationToken.None)) rows.Add(e);
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            db.AuditEntries.AddRange(rows);
            await db.SaveChangesAsync();
        }
        // A crash while writing the next archive leaves a partial file.
        var partial = Path.Combine(Store(portal).Directory, AuditArchiveStore.BaseName(signed + 1, signed + 9) + AuditArchiveStore.DataSuffix + AuditArchiveStore.PartialSuffix);
        await File.WriteAllTextAsync(partial, "torn");
        Assert.Equal(1, (await LiveAsync(portal)).First);

        // Consistent meanwhile: the whole history verifies.
        var meanwhile = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(meanwhile.Intact, string.Join("; ", meanwhile.Problems.Select(VerifyAuditCommand.Describe)));

        // The next run checks the archive against the rows again, deletes them, and records the archive only once.
        var rerun = await Archiver(portal, Later(Old)).ArchiveAsync();
        Assert.Equal(manifest, Assert.Single(rerun.Archived));
        Assert.Equal(signed, rerun.Deleted);
        Assert.Equal(signed + 1, (await LiveAsync(portal)).First);
        Assert.False(File.Exists(partial));
        Assert.Single(await AuditCheckpointFile.ReadArchivesAsync(CheckpointFilePath(portal), CancellationToken.None));
        Assert.True((await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task A_run_stopped_before_the_archive_was_recorded_records_it_then_deletes()
    {
        await using var portal = new PortalFactory();
        await WriteAndSignAsync(portal, 8);
        await WriteAndSignAsync(portal, 2);
        var manifest = Assert.Single((await Archiver(portal, Later(Old)).ArchiveAsync()).Archived);
        var rows = new List<AuditEntry>();
        await foreach (var e in AuditArchiveStore.ReadEntriesAsync(Store(portal).DataPath(manifest.File), CancellationToken.None)) rows.Add(e);
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            db.AuditEntries.AddRange(rows);
            await db.SaveChangesAsync();
        }
        var file = CheckpointFilePath(portal);
        await File.WriteAllLinesAsync(file, (await File.ReadAllLinesAsync(file)).Where(l => !l.Contains("\"archive\"", StringComparison.Ordinal)));

        Assert.Single((await Archiver(portal, Later(Old)).ArchiveAsync()).Archived);
        Assert.Single(await AuditCheckpointFile.ReadArchivesAsync(file, CancellationToken.None));
        Assert.True((await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Two_archivers_at_once_never_archive_a_range_twice()
    {
        await using var portal = new PortalFactory();
        await WriteAndSignAsync(portal, 10);
        await WriteAndSignAsync(portal, 10);
        await WriteAndSignAsync(portal, 10);
        await WriteAndSignAsync(portal, 2);

        var runs = await Task.WhenAll(
            Task.Run(() => Archiver(portal, Later(Old), maxEntriesPerFile: 12).ArchiveAsync()),
            Task.Run(() => Archiver(portal, Later(Old), maxEntriesPerFile: 12).ArchiveAsync()));

        var archived = runs.SelectMany(r => r.Archived).ToList();
        Assert.Equal(archived.Count, archived.Select(m => m.FirstSequence).Distinct().Count());
        Assert.Equal(3, archived.Count);
        Assert.Equal(3, (await Store(portal).ListAsync()).Manifests.Count);
        var recorded = await AuditCheckpointFile.ReadArchivesAsync(CheckpointFilePath(portal), CancellationToken.None);
        Assert.Equal(recorded.Count, recorded.Select(r => r.File).Distinct().Count());
        Assert.True((await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync()).Intact);
    }

    [Fact]
    public async Task While_another_archiver_holds_the_lease_nothing_is_archived()
    {
        await using var portal = new PortalFactory();
        await WriteAndSignAsync(portal, 5);
        await WriteAndSignAsync(portal, 1);
        Directory.CreateDirectory(Store(portal).Directory);
        var (_, before) = await LiveAsync(portal);

        await using (new FileStream(Path.Combine(Store(portal).Directory, AuditArchiver.LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var run = await Archiver(portal, Later(Old)).ArchiveAsync();
            Assert.True(run.Busy);
            Assert.Empty(run.Archived);
            Assert.Equal(before, (await LiveAsync(portal)).Count);
        }

        // The lease is free again (a crashed holder's lock goes with its process).
        Assert.Single((await Archiver(portal, Later(Old)).ArchiveAsync()).Archived);
    }

    [Fact]
    public void Production_needs_an_absolute_writable_archive_directory()
    {
        Assert.Contains("Audit:Archive:Directory must name an absolute", ProductionStartupChecks.ArchiveDirectoryProblem(null));
        Assert.Contains("Audit:Archive:Directory must name an absolute", ProductionStartupChecks.ArchiveDirectoryProblem("App_Data/audit-archive"));
        var directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", $"archive-{Guid.NewGuid():N}");
        try
        {
            Assert.Null(ProductionStartupChecks.ArchiveDirectoryProblem(directory));
            Assert.True(Directory.Exists(directory));
            Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
            // A file where the directory should be: it cannot be written.
            var file = Path.Combine(directory, "not-a-directory");
            File.WriteAllText(file, "");
            Assert.Contains("cannot be written", ProductionStartupChecks.ArchiveDirectoryProblem(file));
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
            Assert.Contains(ProductionStartupChecks.Problems(config), p => p.StartsWith("Audit:Archive:Directory", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
