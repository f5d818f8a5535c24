using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Operations;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// Issue #20, row 7: entries after the newest signed checkpoint could be deleted unseen. High-value events, the end of
/// every command that wrote to the log and every shutdown sign one at once; entries left uncovered too long fail.
/// </summary>
public sealed class AuditSealTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Admin = "admin@scoreportal.demo";
    private const string Admin2 = "admin2@scoreportal.demo";
    private readonly BatchTestData _data = new(portal);

    private async Task<(int ExitCode, string Output)> RunAsync(string name, params string[] args)
    {
        var user = Array.IndexOf(args, "--user") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        if (user is not null) args = [.. args, "--code", await Authenticators.NextCodeAsync(portal, user)];
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == name);
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        var exitCode = await command.RunAsync(scope.ServiceProvider, new CommandArguments([.. args, "--lang", "en-US"]), output);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task Deleting_the_tail_behind_a_publication_made_on_the_command_line_fails_verify_audit_naming_the_missing_entries()
    {
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H2, portal.Clock.GetUtcNow().AddDays(5));
        var m01 = await _data.QualificationAsync("M01");
        var registration = await _data.RegisterAsync(await _data.CandidateAsync(), session, m01);
        var batch = await _data.StageAsync(session, await _data.UserIdAsync(Admin),
            Result(registration, m01, "JC", "55"), Result(registration, m01, "YY", "49"));
        var id = batch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, (await RunAsync("approve", "--batch", id, "--user", Admin2, "--fingerprint", batch.Fingerprint)).ExitCode);
        Assert.Equal(0, (await RunAsync("publish", "--batch", id, "--user", Admin2)).ExitCode);

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var publication = await db.AuditEntries.Where(e => e.Action == AuditActions.BatchPublish && e.TargetId == id).MaxAsync(e => e.Sequence);
        var end = await db.AuditEntries.MaxAsync(e => e.Sequence);
        // The command's end signed a checkpoint over everything it wrote, publication included.
        Assert.True(await db.AuditCheckpoints.MaxAsync(c => (long?)c.UpToSequence) >= publication);

        // Someone with the database covers the publication up: the tail from it on, and the checkpoints over it.
        await db.Database.ExecuteSqlAsync($"DELETE FROM AuditEntries WHERE Sequence >= {publication}");
        await db.Database.ExecuteSqlAsync($"DELETE FROM AuditCheckpoints WHERE UpToSequence >= {publication}");

        var (exit, output) = await RunAsync("verify-audit");
        Assert.Equal(1, exit);
        Assert.Contains(publication == end ? $"its tail was truncated (entry #{end} is missing)"
            : $"its tail was truncated (entries #{publication} to #{end} are missing)", output);
    }

    [Fact]
    public async Task A_publication_is_covered_by_a_signed_checkpoint_the_moment_its_entry_is_committed()
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        await log.WriteDurableAsync(new AuditRecord("test.ordinary"));
        await log.WriteDurableAsync(new AuditRecord(AuditActions.BatchPublish, TargetType: "batch", TargetId: "seal-test"));

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var publication = await db.AuditEntries.Where(e => e.TargetId == "seal-test").Select(e => e.Sequence).SingleAsync();
        Assert.True(await db.AuditCheckpoints.AnyAsync(c => c.UpToSequence >= publication));
        var file = await AuditCheckpointFile.ReadAsync(portal.Services.GetRequiredService<AuditCheckpointFile>().Path, CancellationToken.None);
        Assert.Contains(file!.Value.Lines, l => l.UpToSequence >= publication);
    }

    [Fact]
    public async Task Shutting_down_signs_a_checkpoint_over_the_tail()
    {
        string path;
        long end;
        await using (var own = new PortalFactory())
        {
            var log = own.Services.GetRequiredService<AuditLog>();
            for (var i = 0; i < 3; i++) await log.WriteDurableAsync(new AuditRecord("test.shutdown"));
            path = own.Services.GetRequiredService<AuditCheckpointFile>().Path;
            await using var db = await own.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
            end = await db.AuditEntries.MaxAsync(e => e.Sequence);
            // What the host does at shutdown and a command run at its end: stop the writer, which drains the log.
            foreach (var service in own.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Where(s => s is IRunsDuringCommands))
                await service.StopAsync(CancellationToken.None);
            var file = await AuditCheckpointFile.ReadAsync(path, CancellationToken.None);
            Assert.Contains(file!.Value.Lines, l => l.UpToSequence == end);
        }
    }

    [Fact]
    public async Task Entries_no_checkpoint_covers_fail_verification_once_older_than_twice_the_interval_even_with_a_fresh_file()
    {
        await using var own = new PortalFactory();
        var services = own.Services;
        var log = services.GetRequiredService<AuditLog>();
        for (var i = 0; i < 3; i++) await log.WriteDurableAsync(new AuditRecord("test.covered"));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = services.GetRequiredService<IOptions<AuditOptions>>();
        var file = services.GetRequiredService<AuditCheckpointFile>();
        var signer = services.GetRequiredService<AuditSigner>();
        var checkpoints = new AuditCheckpoints(services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(), signer, clock, file, options);
        var covered = (await checkpoints.CreateAsync())!;
        for (var i = 0; i < 2; i++) await log.WriteDurableAsync(new AuditRecord("test.uncovered"));

        clock.Advance(2 * options.Value.CheckpointInterval + TimeSpan.FromMinutes(1));
        // The file gets a fresh line, but one that signs the old end again (a signer renewing a stale end, or a file
        // shared with another database): fresh checkpoints alone do not protect the two entries after it.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        await file.AppendAsync(new AuditCheckpoint
        {
            UpToSequence = covered.UpToSequence, Hash = covered.Hash, CreatedAt = now, KeyId = signer.KeyId,
            Signature = signer.Sign(covered.UpToSequence, covered.Hash, now),
        }, CancellationToken.None);

        var result = await checkpoints.VerifyAsync();
        var problem = Assert.Single(result.Problems);
        Assert.Equal(new AuditProblem(AuditProblemKind.EntriesUncovered, covered.UpToSequence + 1, (covered.UpToSequence + 2).ToString()), problem);
        Assert.Equal($"Entries #{covered.UpToSequence + 1} to #{covered.UpToSequence + 2} are covered by no signed checkpoint although older than twice the checkpoint interval: they could have been deleted unseen.",
            VerifyAuditCommand.Describe(problem));
    }
}
