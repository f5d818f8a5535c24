using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// Someone with write access to the database (not to the checkpoint file outside it) covers their tracks: each way
/// is caught by <c>verify-audit</c>, which says what happened and never answers with a stack trace.
/// </summary>
public sealed class AuditTamperTests
{
    private static async Task WriteAsync(PortalFactory portal, int count)
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < count; i++) await log.WriteDurableAsync(new AuditRecord("test.tamper", TargetId: i.ToString()));
    }

    private static async Task SqlAsync(PortalFactory portal, string sql)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    private static async Task<(int Exit, string Output)> VerifyCommandAsync(PortalFactory portal)
    {
        var output = new StringWriter();
        var exit = await VerifyAuditCommand.Command.RunAsync(portal.Services, new([]), output);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Deleting_the_newest_checkpoints_from_the_database_is_caught_by_the_file_outside_it()
    {
        await using var portal = new PortalFactory();
        var checkpoints = portal.Services.GetRequiredService<AuditCheckpoints>();
        await WriteAsync(portal, 4);
        await checkpoints.CreateAsync();
        await WriteAsync(portal, 3);
        var newest = (await checkpoints.CreateAsync())!;
        Assert.True((await checkpoints.VerifyAsync()).Intact);
        Assert.True(File.Exists(portal.Services.GetRequiredService<AuditCheckpointFile>().Path));

        await SqlAsync(portal, $"DELETE FROM AuditCheckpoints WHERE UpToSequence >= {newest.UpToSequence}");

        var result = await checkpoints.VerifyAsync();
        Assert.Equal([new AuditProblem(AuditProblemKind.CheckpointDeleted, newest.UpToSequence)], result.Problems);
        var (exit, output) = await VerifyCommandAsync(portal);
        Assert.Equal(1, exit);
        Assert.Contains($"checkpoint up to entry #{newest.UpToSequence} is in the checkpoint file but was deleted", output);
    }

    [Fact]
    public async Task Truncating_the_tail_is_caught_because_the_entry_count_went_down()
    {
        await using var portal = new PortalFactory();
        var checkpoints = portal.Services.GetRequiredService<AuditCheckpoints>();
        await WriteAsync(portal, 6);
        var signed = (await checkpoints.CreateAsync())!;

        // The last entries and the checkpoint over them go: what is left is a perfect chain, just shorter.
        await SqlAsync(portal, $"DELETE FROM AuditEntries WHERE Sequence > {signed.UpToSequence - 3}");
        await SqlAsync(portal, "DELETE FROM AuditCheckpoints");

        var result = await checkpoints.VerifyAsync();
        Assert.Null(result.FirstBrokenSequence);
        Assert.Contains(new AuditProblem(AuditProblemKind.EntriesMissing, signed.UpToSequence, (signed.UpToSequence - 3).ToString()), result.Problems);
        Assert.False(result.Intact);
        var (exit, output) = await VerifyCommandAsync(portal);
        Assert.Equal(1, exit);
        Assert.Contains("its tail was truncated", output);
    }

    [Fact]
    public async Task Rewriting_the_tail_with_recomputed_hashes_and_dropping_its_checkpoint_is_caught_by_the_file()
    {
        await using var portal = new PortalFactory();
        var checkpoints = portal.Services.GetRequiredService<AuditCheckpoints>();
        await WriteAsync(portal, 6);
        var signed = (await checkpoints.CreateAsync())!;

        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var entries = await db.AuditEntries.OrderBy(e => e.Sequence).ToListAsync();
            for (var i = entries.Count - 3; i < entries.Count; i++)
            {
                entries[i].TargetId = "rewritten";
                entries[i].PreviousHash = entries[i - 1].Hash;
                entries[i].Hash = AuditChain.ComputeHash(entries[i]);
            }
            db.AuditCheckpoints.RemoveRange(db.AuditCheckpoints);
            await db.SaveChangesAsync();
        }

        var result = await checkpoints.VerifyAsync();
        Assert.Null(result.FirstBrokenSequence);
        Assert.Null(result.FirstBadCheckpointId);
        Assert.Contains(new AuditProblem(AuditProblemKind.CheckpointMismatch, signed.UpToSequence), result.Problems);
        Assert.Contains(new AuditProblem(AuditProblemKind.CheckpointDeleted, signed.UpToSequence), result.Problems);

        // An exported copy of the file verifies the same way, wherever it is kept.
        var copy = Path.Combine(portal.Directory, "exported-checkpoints.jsonl");
        File.Copy(portal.Services.GetRequiredService<AuditCheckpointFile>().Path, copy);
        var output = new StringWriter();
        Assert.Equal(1, await VerifyAuditCommand.Command.RunAsync(portal.Services, new(["--checkpoints", copy]), output));
        Assert.Contains("the chain was rewritten", output.ToString());
    }

    [Fact]
    public async Task A_newest_checkpoint_older_than_twice_the_interval_fails_until_a_fresh_one_is_signed()
    {
        await using var portal = new PortalFactory();
        var services = portal.Services;
        await WriteAsync(portal, 3);
        // The portal's own signer runs on the real clock; this one runs on a clock the test turns.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = services.GetRequiredService<IOptions<AuditOptions>>();
        var checkpoints = new AuditCheckpoints(services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(),
            services.GetRequiredService<AuditSigner>(), clock, services.GetRequiredService<AuditCheckpointFile>(), options);
        await checkpoints.CreateAsync();

        clock.Advance(2 * options.Value.CheckpointInterval - TimeSpan.FromMinutes(1));
        Assert.True((await checkpoints.VerifyAsync()).Intact);

        // The signing service stopped (a truncated tail would go unseen from here on).
        clock.Advance(TimeSpan.FromMinutes(2));
        var stale = await checkpoints.VerifyAsync();
        Assert.Equal(AuditProblemKind.CheckpointStale, Assert.Single(stale.Problems).Kind);

        // A quiet log is renewed into the file only: fresh again, one checkpoint in the database.
        Assert.Null(await checkpoints.CreateAsync(renew: true));
        var renewed = await checkpoints.VerifyAsync();
        Assert.True(renewed.Intact);
        Assert.Equal(1, renewed.Checkpoints);
    }

    [Fact]
    public async Task Every_malformed_entry_is_named_by_its_sequence_number_without_a_stack_trace()
    {
        await using var portal = new PortalFactory();
        await WriteAsync(portal, 6);
        await SqlAsync(portal, "UPDATE AuditEntries SET At = 'the day before yesterday' WHERE Sequence = 2");
        await SqlAsync(portal, "UPDATE AuditEntries SET At = '2026-13-45 99:00:00+00:00' WHERE Sequence = 5");

        var result = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.Equal(
            [new AuditProblem(AuditProblemKind.MalformedEntry, 2, "At"), new AuditProblem(AuditProblemKind.MalformedEntry, 5, "At")],
            result.Problems);
        Assert.Equal(2, result.FirstBrokenSequence);
        Assert.Equal(6, result.Entries);

        var (exit, output) = await VerifyCommandAsync(portal);
        Assert.Equal(1, exit);
        Assert.Contains("Audit entry #2 is malformed (At cannot be read)", output);
        Assert.Contains("Audit entry #5 is malformed (At cannot be read)", output);
        Assert.DoesNotContain("   at ", output);
    }
}
