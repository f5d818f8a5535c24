using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Leases;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Platform.Leases;

/// <summary>
/// Two portal instances on one SQLite database file, one checkpoint folder and one redis-server: a batch approved once
/// is published once while both run the scheduler, both writing audit entries at once leave one intact chain (with
/// Redis and while it is down), and the periodic checkpoint is signed once per period.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class SharedLeasesPortalTests(RedisServer redis)
{
    private Dictionary<string, string?> Shared() => new()
    {
        ["Redis:Configuration"] = redis.Configuration,
        ["Redis:KeyPrefix"] = RedisServer.NewPrefix(),
    };

    /// <summary>B is A's twin: A's database, keys, checkpoint file and archive folder (the same portal, another process).</summary>
    private static Dictionary<string, string?> Twin(IReadOnlyDictionary<string, string?> settings, PortalFactory a)
    {
        var twin = new Dictionary<string, string?>(settings);
        foreach (var key in new[] { "ConnectionStrings:ScorePortal", "Security:KeyDirectory", "Audit:CheckpointDirectory", "Audit:Archive:Directory" })
            twin[key] = a.Settings[key];
        return twin;
    }

    private (PortalFactory A, PortalFactory B) TwoInstances()
    {
        var settings = Shared();
        var a = PortalFactory.With(settings);
        _ = a.Services; // A creates and migrates the database before B starts on it
        return (a, PortalFactory.With(Twin(settings, a)));
    }

    private (DemoPortal A, DemoPortal B) TwoInstancesOnClocks()
    {
        var settings = Shared();
        var a = new DemoPortal(settings);
        _ = a.Services; // seeded once: B finds the demo data there
        return (a, new DemoPortal(Twin(settings, a)));
    }

    [Fact]
    public async Task A_batch_approved_once_is_published_once_while_both_run_the_scheduler()
    {
        var (a, b) = TwoInstancesOnClocks();
        await using var _a = a;
        await using var _b = b;
        Assert.IsType<RedisLeases>(a.Services.GetRequiredService<ILeases>());
        var data = new BatchTestData(a);
        var releaseAt = a.Clock.GetUtcNow().AddMinutes(10);
        var session = await data.SessionAsync(NewYear(), ExamHalf.H1, releaseAt);
        var m01 = await data.QualificationAsync("M01");
        var candidate = await data.CandidateAsync();
        var registration = await data.RegisterAsync(candidate, session, m01);
        var batch = await data.ApprovedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        var publisherA = a.Services.GetRequiredService<BatchPublisher>();
        var publisherB = b.Services.GetRequiredService<BatchPublisher>();
        await WaitUntilAsync(() => publisherA.CompletedRuns >= 1 && publisherB.CompletedRuns >= 1, "the check at start");
        var (beforeA, beforeB) = (publisherA.CompletedRuns, publisherB.CompletedRuns);
        // Both schedulers become due at the same moment (each instance's injected clock moves past the release time).
        a.Clock.Advance(TimeSpan.FromMinutes(11));
        b.Clock.Advance(TimeSpan.FromMinutes(11));
        await WaitUntilAsync(() => publisherA.CompletedRuns > beforeA && publisherB.CompletedRuns > beforeB, "a check after the release time");
        // A check that began before the clocks moved may be the one that just finished: wait for one more on each.
        (beforeA, beforeB) = (publisherA.CompletedRuns, publisherB.CompletedRuns);
        a.Clock.Advance(TimeSpan.FromMinutes(1));
        b.Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => publisherA.CompletedRuns > beforeA && publisherB.CompletedRuns > beforeB, "a second check");

        var published = await data.BatchAsync(batch.Id);
        Assert.Equal(ResultBatchStatus.Published, published.Status);
        Assert.Equal(BatchPublisher.SystemUserId, published.PublishedByUserId);
        await using var db = data.Db();
        var target = batch.Id.ToString(CultureInfo.InvariantCulture);
        // One publication: one audit entry, one result event across both instances, the scores current once.
        Assert.Single(await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.BatchPublish && e.TargetType == "batch" && e.TargetId == target).ToListAsync());
        var events = a.Services.GetRequiredService<ResultChangedRecorder>().InTransaction
            .Concat(b.Services.GetRequiredService<ResultChangedRecorder>().InTransaction)
            .Where(e => e.BatchId == batch.Id).ToList();
        Assert.Single(events);
        Assert.All(await data.ScoresAsync(registration.Id), s => Assert.True(s.IsCurrent));
        Assert.Single(await data.OutcomesAsync(candidate.Id));
    }

    [Fact]
    public async Task Both_instances_writing_audit_entries_at_once_leave_one_intact_chain()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        Assert.True(b.Services.GetRequiredService<ILeases>().Shared);

        var written = await WriteFromBothAsync(a, b, "test.lease.chain");

        // verify-audit, from either instance: every link, every checkpoint (in the table and in the shared file).
        foreach (var instance in new[] { a, b })
        {
            var output = new StringWriter();
            var exit = await VerifyAuditCommand.Command.RunAsync(instance.Services, new(["--lang", "en-US"]), output);
            Assert.True(exit == 0, output.ToString());
            Assert.Contains("Audit chain intact", output.ToString(), StringComparison.Ordinal);
        }
        await using var db = Db(a);
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == "test.lease.chain").Select(e => e.TargetId!).ToListAsync();
        Assert.Equal(written, entries.Count);
        Assert.Contains(entries, id => id.StartsWith('A'));
        Assert.Contains(entries, id => id.StartsWith('B'));
        // Gap-free and single: the sequence numbers are 1..n with one entry each.
        var sequences = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task With_redis_down_both_instances_still_append_to_one_intact_chain()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        await WriteFromBothAsync(a, b, "test.lease.before");

        int written;
        await redis.StopAsync();
        try
        {
            // No lease can be had: each writer reads the chain's end before each batch and the unique sequence decides.
            await Assert.ThrowsAsync<LeaseUnavailableException>(() =>
                a.Services.GetRequiredService<ILeases>().TryAcquireAsync(AuditWriter.ChainLease, TimeSpan.Zero));
            written = await WriteFromBothAsync(a, b, "test.lease.outage");
        }
        finally
        {
            await redis.StartAsync();
        }

        await using var db = Db(a);
        Assert.Equal(written, await db.AuditEntries.CountAsync(e => e.Action == "test.lease.outage"));
        // The checkpoints were skipped while Redis was down (nobody could say who signs); the chain itself is whole.
        var verification = await a.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(verification.Intact, string.Join("; ", verification.Problems));
        var sequences = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task While_one_instance_holds_the_archive_lease_the_other_archives_nothing()
    {
        var (a, b) = TwoInstances();
        await using var _a = a;
        await using var _b = b;
        var archiverB = b.Services.GetRequiredService<AuditArchiver>();

        await using (var held = await a.Services.GetRequiredService<ILeases>().TryAcquireAsync(AuditArchiver.Lease, TimeSpan.Zero))
        {
            Assert.NotNull(held);
            // No OS lock is taken here: only the lease in Redis keeps B out.
            Assert.True((await archiverB.ArchiveAsync()).Busy);
            var output = new StringWriter();
            Assert.Equal(2, await ArchiveAuditCommand.Command.RunAsync(b.Services, new(["--lang", "en-US"]), output));
            Assert.Contains("Another archiver holds the lease", output.ToString(), StringComparison.Ordinal);
        }
        var run = await archiverB.ArchiveAsync();
        Assert.False(run.Busy);
        Assert.Null(run.Refused);

        await redis.StopAsync();
        try
        {
            // Nobody can say who archives: nobody does.
            var skipped = await archiverB.ArchiveAsync();
            Assert.True(skipped.LeaseUnavailable);
            Assert.Empty(skipped.Archived);
        }
        finally
        {
            await redis.StartAsync();
        }
    }

    [Fact]
    public async Task The_periodic_checkpoint_is_signed_once_per_period_by_two_instances()
    {
        var (a, b) = TwoInstancesOnClocks();
        await using var _a = a;
        await using var _b = b;
        var interval = a.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditOptions>>().Value.CheckpointInterval;
        var file = a.Services.GetRequiredService<AuditCheckpointFile>();
        Assert.Equal(file.Path, b.Services.GetRequiredService<AuditCheckpointFile>().Path);
        var serviceA = a.Services.GetRequiredService<AuditCheckpointService>();
        var serviceB = b.Services.GetRequiredService<AuditCheckpointService>();
        var start = a.Clock.GetUtcNow();

        for (var period = 1; period <= 3; period++)
        {
            // Something to sign in the first period; the others only renew the signature.
            if (period == 1)
                await a.Services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord("test.lease.checkpoint"));
            var (beforeA, beforeB) = (serviceA.CompletedRuns, serviceB.CompletedRuns);
            a.Clock.Advance(interval);
            b.Clock.Advance(interval);
            await WaitUntilAsync(() => serviceA.CompletedRuns > beforeA && serviceB.CompletedRuns > beforeB, "both signing services' turn");

            var lines = (await AuditCheckpointFile.ReadAsync(file.Path, CancellationToken.None))!.Value.Lines;
            var periodStart = start + interval * period - TimeSpan.FromMinutes(1);
            Assert.Single(lines, l => l.CreatedAt >= periodStart);
        }
        await using var db = Db(a);
        // The first period's end was signed into the table once; no period has two checkpoints there either.
        var signed = await db.AuditCheckpoints.AsNoTracking().ToListAsync();
        Assert.Single(signed, c => c.CreatedAt >= start + interval - TimeSpan.FromMinutes(1) && c.CreatedAt < start + 2 * interval - TimeSpan.FromMinutes(1));
        Assert.All(signed.Where(c => c.CreatedAt >= start + interval - TimeSpan.FromMinutes(1)).GroupBy(c => (c.CreatedAt - start + TimeSpan.FromMinutes(1)).Ticks / interval.Ticks), g => Assert.Single(g));
        var verification = await a.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(verification.Intact, string.Join("; ", verification.Problems));
    }

    /// <summary>
    /// Four writers on each instance at once, durable and queued records mixed; then each instance seals what it
    /// queued. Returns how many entries were written.
    /// </summary>
    private static async Task<int> WriteFromBothAsync(PortalFactory a, PortalFactory b, string action)
    {
        const int writers = 4, durable = 40, queued = 60;
        var work = new List<Task>();
        foreach (var (name, portal) in new[] { ("A", a), ("B", b) })
        {
            var log = portal.Services.GetRequiredService<AuditLog>();
            for (var w = 0; w < writers; w++)
            {
                var writer = w;
                work.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < durable + queued; i++)
                    {
                        var record = new AuditRecord(action, TargetType: "writer", TargetId: $"{name}-{writer}-{i}");
                        if (i < durable) await log.WriteDurableAsync(record);
                        else await log.WriteAsync(record);
                    }
                }));
            }
        }
        await Task.WhenAll(work);
        // Everything queued before the marker is committed when it completes (with Redis down the checkpoint part is skipped).
        await Task.WhenAll(a.Services.GetRequiredService<AuditLog>().SealAsync(), b.Services.GetRequiredService<AuditLog>().SealAsync());
        return 2 * writers * (durable + queued);
    }

    private static ScorePortalDbContext Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
