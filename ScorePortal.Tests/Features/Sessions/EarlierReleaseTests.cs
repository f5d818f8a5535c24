using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Sessions;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Sessions;

/// <summary>
/// The two-person rule cannot be walked around through the session: an earlier release time publishes an approved
/// batch within one scheduler tick, so it is an early publication and not the importer's decision alone.
/// </summary>
public sealed class EarlierReleaseTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _data = new(portal);

    private async Task<ScorePortal.Components.Forms.EditResult> MoveReleaseAsync(ExamSession session, DateTimeOffset releaseAt, string userId)
    {
        // The exam is over (weeks ago), so a release time of a minute ago is a valid one.
        var examEnd = DateOnly.FromDateTime(portal.Clock.GetUtcNow().UtcDateTime).AddDays(-30);
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SaveSession>().HandleAsync(new SaveSessionRequest(
            session.Id, session.Year, session.Half, session.NameZh, session.NameEn, examEnd.AddDays(-1), examEnd,
            releaseAt, releaseAt, releaseAt.AddDays(14), userId, SaveSession.VersionOf(session)));
    }

    [Fact]
    public async Task The_importer_cannot_bring_the_release_of_an_approved_batch_forward_but_another_admin_can()
    {
        // SaveSession accepts years up to 2100; this class has the portal to itself, so 2090 is free.
        var session = await _data.SessionAsync(2090, ExamHalf.H2, portal.Clock.GetUtcNow().AddDays(5));
        var m01 = await _data.QualificationAsync("M01");
        var registration = await _data.RegisterAsync(await _data.CandidateAsync(), session, m01);
        var batch = await _data.ApprovedAsync(session, Result(registration, m01, "JC", "55"));
        var earlier = portal.Clock.GetUtcNow().AddMinutes(-1);

        var byImporter = await MoveReleaseAsync(session, earlier, Importer);
        await portal.Services.GetRequiredService<BatchPublisher>().PublishDueAsync(CancellationToken.None);
        var later = await MoveReleaseAsync(session, session.ReleaseAt.AddDays(1), Importer);

        Assert.False(byImporter.Succeeded);
        Assert.Equal(SaveSession.EarlierReleaseNeedsSecondAdmin, Assert.Single(byImporter.Errors).Key);
        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        Assert.True(later.Succeeded); // a later release time publishes nothing early: anyone may set it
        await using (var db = _data.Db())
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SessionChange && e.ActorUserId == Importer
                                                             && e.DataJson.Contains(SaveSession.EarlierReleaseNeedsSecondAdmin)));

        var reloaded = await _data.ReloadAsync(session);
        var bySecondAdmin = await MoveReleaseAsync(reloaded, earlier, Approver);
        await portal.Services.GetRequiredService<BatchPublisher>().PublishDueAsync(CancellationToken.None);

        Assert.True(bySecondAdmin.Succeeded);
        Assert.Equal(ResultBatchStatus.Published, (await _data.BatchAsync(batch.Id)).Status);
    }
}
