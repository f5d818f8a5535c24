using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Leases;
using ScorePortal.Platform.Outbox;
using ScorePortal.Platform.Retention;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>
/// Issue #24, item 4: the retention job removes what is past its period — review files of long-closed cases, accounts
/// whose email was never confirmed, delivered outbox payloads — and leaves what is not; it audits counts only, and
/// two instances never run it at once.
/// </summary>
public sealed class RetentionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    /// <summary>The job as the portal registers it, on a clock of the test's choosing (the portal's own does not move).</summary>
    private RetentionJob Job(TimeProvider clock, IEnumerable<IRetentionRule>? rules = null)
    {
        var s = portal.Services;
        return new RetentionJob(rules ?? s.GetServices<IRetentionRule>(), s.GetRequiredService<ILeases>(), s.GetRequiredService<AuditLog>(), clock,
            s.GetRequiredService<IOptions<RetentionOptions>>(), NullLogger<RetentionJob>.Instance);
    }

    private async Task<string> AccountAsync(string email, bool confirmed, DateTimeOffset createdAt, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = confirmed, CreatedAt = createdAt };
        Assert.True((await users.CreateAsync(user, "Account#2026pass")).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user.Id;
    }

    private async Task CloseAsync(int requestId, DateTimeOffset closedAt)
    {
        await using var db = await Db(portal);
        await db.ReviewRequests.Where(r => r.Id == requestId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, ReviewStatus.Rejected).SetProperty(r => r.ClosedAt, closedAt));
    }

    private async Task<AuditEntry> LastRunAsync()
    {
        await using var db = await Db(portal);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.RetentionRun).OrderByDescending(e => e.Sequence).FirstAsync();
    }

    private static Dictionary<string, string> Counts(AuditEntry entry) => JsonSerializer.Deserialize<Dictionary<string, string>>(entry.DataJson)!;

    [Fact]
    public async Task Review_files_of_a_case_closed_past_the_appeal_period_and_an_old_unconfirmed_account_go_fresh_ones_stay()
    {
        var (client, _, _, registrationId, _) = await LiNaAsync(portal);
        using var _c = client;
        var subjects = await ScoredSubjectsAsync(portal, registrationId);
        var old = await FiledAsync(client, registrationId, subjects[0]);
        var recent = await FiledAsync(client, registrationId, subjects[1]);
        await CloseAsync(old, Now - TimeSpan.FromDays(181));
        await CloseAsync(recent, Now - TimeSpan.FromDays(10));
        var store = portal.Services.GetRequiredService<ReviewFileStore>();
        List<Guid> oldFiles, recentFiles;
        await using (var db = await Db(portal))
        {
            oldFiles = await db.ReviewFiles.Where(f => f.ReviewRequestId == old).Select(f => f.Id).ToListAsync();
            recentFiles = await db.ReviewFiles.Where(f => f.ReviewRequestId == recent).Select(f => f.Id).ToListAsync();
        }
        Assert.Equal(3, oldFiles.Count);
        Assert.All(oldFiles.Concat(recentFiles), id => Assert.True(File.Exists(store.PathOf(id))));

        var tag = Guid.NewGuid().ToString("N");
        var stale = await AccountAsync($"stale-{tag}@example.org", confirmed: false, Now - TimeSpan.FromDays(8), Roles.Candidate);
        var fresh = await AccountAsync($"fresh-{tag}@example.org", confirmed: false, Now - TimeSpan.FromDays(2), Roles.Candidate);
        var confirmed = await AccountAsync($"confirmed-{tag}@example.org", confirmed: true, Now - TimeSpan.FromDays(30), Roles.Candidate);
        // Invited by an admin and not accepted yet: the admin answers for it, not the job.
        var invited = await AccountAsync($"invited-{tag}@example.org", confirmed: false, Now - TimeSpan.FromDays(30), Roles.Staff);

        var run = await Job(portal.Clock).RunAsync();

        Assert.False(run.Busy);
        Assert.Equal(3, run.Rules.Single(r => r.Rule == "review-materials").Count);
        Assert.Equal(1, run.Rules.Single(r => r.Rule == "unconfirmed-accounts").Count);
        Assert.All(run.Rules, r => Assert.False(r.Failed));
        await using (var db = await Db(portal))
        {
            Assert.False(await db.ReviewFiles.AnyAsync(f => f.ReviewRequestId == old));
            Assert.Equal(recentFiles.Count, await db.ReviewFiles.CountAsync(f => f.ReviewRequestId == recent));
            // The case and its decision stay; only the materials are gone.
            Assert.True(await db.ReviewRequests.AnyAsync(r => r.Id == old && r.Status == ReviewStatus.Rejected));
            var left = await db.Users.Where(u => u.Id == stale || u.Id == fresh || u.Id == confirmed || u.Id == invited).Select(u => u.Id).ToListAsync();
            Assert.Equal(new[] { fresh, confirmed, invited }.Order(), left.Order());
        }
        Assert.All(oldFiles, id => Assert.False(File.Exists(store.PathOf(id))));
        Assert.All(recentFiles, id => Assert.True(File.Exists(store.PathOf(id))));

        // One audit entry with the counts, and nothing of what was removed: no address, no account or file id.
        var entry = await LastRunAsync();
        Assert.Equal("3", Counts(entry)["review-materials"]);
        Assert.Equal("1", Counts(entry)["unconfirmed-accounts"]);
        Assert.Null(entry.ActorUserId);
        Assert.Null(entry.TargetId);
        Assert.DoesNotContain("@", entry.DataJson);
        Assert.DoesNotContain(stale, entry.DataJson);
        Assert.All(oldFiles, id => Assert.DoesNotContain(id.ToString("N"), entry.DataJson));

        // 175 days on, the case closed ten days ago is past its 180 days too; the account made two days ago is past its 7.
        var later = new FakeTimeProvider(Now + TimeSpan.FromDays(175));
        var second = await Job(later).RunAsync();
        Assert.Equal(recentFiles.Count, second.Rules.Single(r => r.Rule == "review-materials").Count);
        await using (var db = await Db(portal))
        {
            Assert.False(await db.ReviewFiles.AnyAsync(f => f.ReviewRequestId == recent));
            Assert.False(await db.Users.AnyAsync(u => u.Id == fresh));
            Assert.True(await db.Users.AnyAsync(u => u.Id == confirmed));
            Assert.True(await db.Users.AnyAsync(u => u.Id == invited));
        }
    }

    [Fact]
    public async Task A_payload_delivered_past_its_period_is_blanked_and_the_row_kept_a_recent_one_is_untouched()
    {
        var address = $"someone-{Guid.NewGuid():N}@example.org";
        var payload = JsonSerializer.Serialize(new { to = address, subject = "你的验证码", body = "123456" });
        OutboxMessage old, recent;
        await using (var db = await Db(portal))
        {
            old = new OutboxMessage { Kind = OutboxKinds.Email, Payload = payload, AttemptCount = 1 };
            recent = new OutboxMessage { Kind = OutboxKinds.Email, Payload = payload, AttemptCount = 1 };
            db.OutboxMessages.AddRange(old, recent);
            await db.SaveChangesAsync();
            await db.OutboxMessages.Where(m => m.Id == old.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.DeliveredAt, Now - TimeSpan.FromDays(31)));
            await db.OutboxMessages.Where(m => m.Id == recent.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.DeliveredAt, Now - TimeSpan.FromDays(29)));
        }

        var run = await Job(portal.Clock).RunAsync();

        Assert.True(run.Rules.Single(r => r.Rule == "outbox-payloads").Count >= 1);
        await using (var db = await Db(portal))
        {
            var blanked = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == old.Id);
            Assert.Equal("", blanked.Payload);
            Assert.NotNull(blanked.PayloadErasedAt);
            Assert.Equal((OutboxKinds.Email, 1), (blanked.Kind, blanked.AttemptCount));
            Assert.NotNull(blanked.DeliveredAt);
            var kept = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == recent.Id);
            Assert.Equal(payload, kept.Payload);
            Assert.Null(kept.PayloadErasedAt);
        }
        var entry = await LastRunAsync();
        Assert.DoesNotContain(address, entry.DataJson);
        Assert.DoesNotContain("123456", entry.DataJson);
    }

    /// <summary>A rule that waits inside its turn until the test lets it go.</summary>
    private sealed class HeldRule : IRetentionRule
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Runs;

        public string Name => "held";
        public TimeSpan Period => TimeSpan.FromDays(1);

        public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
        {
            Interlocked.Increment(ref Runs);
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
            return 7;
        }
    }

    [Fact]
    public async Task Two_instances_due_at_once_run_the_rules_once_the_other_finds_the_lease_taken()
    {
        var rule = new HeldRule();
        var first = Job(portal.Clock, [rule]);
        var second = Job(portal.Clock, [rule]);

        var running = first.RunAsync();
        await rule.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var other = await second.RunAsync();
        rule.Release.SetResult();
        var done = await running;

        Assert.True(other.Busy);
        Assert.Empty(other.Rules);
        Assert.Equal(1, rule.Runs);
        Assert.Equal(7, Assert.Single(done.Rules).Count);
        Assert.Equal("7", Counts(await LastRunAsync())["held"]);
    }

    [Fact]
    public void The_defaults_are_the_periods_the_notice_quotes()
    {
        var o = portal.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        Assert.Equal((7, 1, 180, 30, 180), ((int)o.UnconfirmedAccounts.TotalDays, (int)o.OneTimeCodes.TotalDays, (int)o.ReviewMaterials.TotalDays,
            (int)o.OutboxPayloads.TotalDays, (int)o.SignInSessions.TotalDays));
        Assert.Null(o.Problem());
        Assert.NotNull(new RetentionOptions { ReviewMaterials = TimeSpan.Zero }.Problem());
    }
}
