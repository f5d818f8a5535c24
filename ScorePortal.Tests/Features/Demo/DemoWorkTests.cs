using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Data;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Demo;

/// <summary>
/// The work a first start leaves for every demo role (DemoWork), made by the real use cases, and made once: a second
/// run (a restart) adds nothing. The browser side, each role finding it, is EndToEnd/FirstStartTests.
/// </summary>
public sealed class DemoWorkTests : IAsyncLifetime
{
    private readonly DemoPortal _portal = new(new Dictionary<string, string?> { [PortalFactory.DemoWork] = "true" });

    public Task InitializeAsync()
    {
        _ = _portal.Services; // starts the host: the seed, then DemoWork before the portal serves
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private static readonly string[] WorkActions =
        [AuditActions.ReviewApply, AuditActions.ReviewScreen, AuditActions.ReviewStartRemarking, AuditActions.BatchImport];

    private sealed record State(int Reviews, int Submitted, int Remarking, int Marks, int Files, int Awaiting, int Batches, int Linked, int WorkAudited);

    private async Task<State> StateAsync()
    {
        await using var db = await _portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return new State(
            await db.ReviewRequests.CountAsync(),
            await db.ReviewRequests.CountAsync(r => r.Status == ReviewStatus.Submitted),
            await db.ReviewRequests.CountAsync(r => r.Status == ReviewStatus.Remarking),
            await db.ExpertMarks.CountAsync(m => m.MarkedAt == null),
            await db.ReviewFiles.CountAsync(),
            await db.ResultBatches.CountAsync(b => b.Status == ResultBatchStatus.Validated),
            await db.ResultBatches.CountAsync(),
            await db.Candidates.CountAsync(c => c.UserId != null),
            await db.AuditEntries.CountAsync(e => WorkActions.Contains(e.Action)));
    }

    [Fact]
    public async Task A_first_start_links_the_demo_candidate_files_two_reviews_starts_one_re_mark_and_imports_a_batch_and_a_restart_adds_nothing()
    {
        var state = await StateAsync();
        // Linked: 李娜 to candidate@ and 张伟 (passed, a certificate) to certified@.
        Assert.Equal(new State(2, 1, 1, 3, 3 + 3 + 1, 1, 3, 2, 5), state);

        await using var scope = _portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var candidate = (await users.FindByEmailAsync("candidate@scoreportal.demo"))!;
        var importer = (await users.FindByEmailAsync("admin@scoreportal.demo"))!;
        await using (var db = await _portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            // 李娜's record; her two subjects; the re-mark with the three experts of other provinces.
            var record = await db.Candidates.AsNoTracking().SingleAsync(c => c.UserId == candidate.Id);
            Assert.Equal("李娜", record.Name);
            var certified = (await users.FindByEmailAsync("certified@scoreportal.demo"))!;
            var certifiedRecord = await db.Candidates.AsNoTracking().SingleAsync(c => c.UserId == certified.Id);
            Assert.Equal("张伟", certifiedRecord.Name);
            Assert.True(await db.QualificationOutcomes.AnyAsync(o => o.CandidateId == certifiedRecord.Id && o.RevokedAt == null));
            var remark = await db.ReviewRequests.AsNoTracking().SingleAsync(r => r.Status == ReviewStatus.Remarking);
            Assert.Equal("31", remark.ProvinceCode);
            Assert.Equal(41m, remark.OriginalScore);
            var experts = await db.ExpertMarks.Where(m => m.ReviewRequestId == remark.Id)
                .Select(m => db.Users.Where(u => u.Id == m.ExpertUserId).Select(u => u.Email).Single()).OrderBy(e => e).ToListAsync();
            Assert.Equal(["expert1@scoreportal.demo", "expert2@scoreportal.demo", "expert3@scoreportal.demo"], experts);
            Assert.Equal(51m, (await db.ReviewRequests.AsNoTracking().SingleAsync(r => r.Status == ReviewStatus.Submitted)).OriginalScore);

            // The batch of the scheduled session, imported by the first admin: the second one approves it.
            var batch = await db.ResultBatches.AsNoTracking().Include(b => b.ExamSession).SingleAsync(b => b.Status == ResultBatchStatus.Validated);
            Assert.Equal(importer.Id, batch.ImportedByUserId);
            Assert.Null(batch.ExamSession.PublishedAt);
            Assert.True(batch.RowCount > 0);

            // Every step went through its use case, audited as such.
            var actions = await db.AuditEntries.AsNoTracking().Select(e => e.Action).ToListAsync();
            Assert.Equal(2, actions.Count(a => a == AuditActions.ReviewApply));
            Assert.Contains(AuditActions.ReviewScreen, actions);
            Assert.Contains(AuditActions.ReviewStartRemarking, actions);
            Assert.Contains(AuditActions.BatchImport, actions);
        }

        await DemoWork.EnsureAsync(scope.ServiceProvider, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(state, await StateAsync());
    }
}
