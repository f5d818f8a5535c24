using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>The scheduler on its own portal: these tests move the clock.</summary>
public sealed class BatchPublisherTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _data = new(portal);

    /// <summary>Moves the fake clock and waits (in real time) until the scheduler has finished a check after it.</summary>
    private async Task AdvanceAndWaitForCheckAsync(TimeSpan by)
    {
        var publisher = portal.Services.GetRequiredService<BatchPublisher>();
        await WaitUntilAsync(() => publisher.CompletedRuns >= 1); // the check at start
        var before = publisher.CompletedRuns;
        portal.Clock.Advance(by);
        await WaitUntilAsync(() => publisher.CompletedRuns > before);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The scheduler did not run.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Approved_batch_is_published_by_the_scheduler_when_the_release_time_comes_and_not_earlier()
    {
        var releaseAt = portal.Clock.GetUtcNow().AddMinutes(10);
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H1, releaseAt);
        var m01 = await _data.QualificationAsync("M01");
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, m01);
        var batch = await _data.ApprovedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        await AdvanceAndWaitForCheckAsync(TimeSpan.FromMinutes(9));

        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        Assert.Null((await _data.ReloadAsync(session)).PublishedAt);
        Assert.All(await _data.ScoresAsync(registration.Id), s => Assert.False(s.IsCurrent));

        await AdvanceAndWaitForCheckAsync(TimeSpan.FromMinutes(1));
        // A check that began before the clock moved may be the one that just finished; the tick the move left pending
        // runs next and sees the release time.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _data.BatchAsync(batch.Id)).Status != ResultBatchStatus.Published && DateTime.UtcNow < deadline) await Task.Delay(50);

        var published = await _data.BatchAsync(batch.Id);
        Assert.Equal(ResultBatchStatus.Published, published.Status);
        Assert.Equal(BatchPublisher.SystemUserId, published.PublishedByUserId);
        var stored = await _data.ReloadAsync(session);
        Assert.Equal(releaseAt, stored.ReleaseAt);
        Assert.NotNull(stored.PublishedAt);
        Assert.True(stored.IsReleased(portal.Clock.GetUtcNow()));
        Assert.All(await _data.ScoresAsync(registration.Id), s => Assert.True(s.IsCurrent));
        Assert.Single(await _data.OutcomesAsync(candidate.Id));
    }
}
