using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Results;

/// <summary>
/// Publication, retraction and a score-changing review decision each raise one <see cref="ResultChanged"/> in their
/// transaction: one outbox message, none when the use case is refused or rolled back, and the subscribers of the test
/// host (<see cref="ResultChangedRecorder"/>) get it after the commit.
/// </summary>
public sealed class ResultEventsTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly BatchTestData _data = new(portal);

    private ResultChangedRecorder Recorder => portal.Services.GetRequiredService<ResultChangedRecorder>();

    /// <summary>The stored ResultChanged messages whose event matches, read back as the handler reads them.</summary>
    private async Task<List<(OutboxMessage Row, ResultChanged Event)>> StoredAsync(Func<ResultChanged, bool> match)
    {
        await using var db = _data.Db();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.Kind == OutboxKinds.ResultChanged).ToListAsync();
        return rows.Select(r => (r, JsonSerializer.Deserialize<ResultChanged>(r.Payload, Web)!)).Where(x => match(x.Item2)).ToList();
    }

    private Task WaitDeliveredAsync(Guid eventId) =>
        portal.WaitForOutboxAsync(() => Task.FromResult(Recorder.Delivered.Any(e => e.EventId == eventId)));

    [Fact]
    public async Task Publication_stores_one_event_with_its_batch_and_the_subscriber_gets_it_after_the_commit()
    {
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H1, portal.Clock.GetUtcNow().AddDays(1));
        var m01 = await _data.QualificationAsync("M01");
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, m01);
        var batch = await _data.ApprovedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var byImporter = await scope.ServiceProvider.GetRequiredService<PublishBatch>().HandleAsync(new PublishBatchRequest(batch.Id, Importer));
            Assert.Equal(BatchErrors.OwnBatch, byImporter.ErrorKey);
        }
        Assert.Empty(await StoredAsync(e => e.BatchId == batch.Id));

        Assert.True((await _data.PublishAsync(batch.Id)).Succeeded);
        Assert.Equal(BatchErrors.NotApproved, (await _data.PublishAsync(batch.Id)).ErrorKey);

        var (row, stored) = Assert.Single(await StoredAsync(e => e.BatchId == batch.Id));
        Assert.Equal((ResultChangeKind.Published, session.Id, portal.Clock.GetUtcNow()), (stored.Kind, stored.SessionId, stored.At));
        Assert.Null(stored.CandidateId); // a batch names itself, never its (possibly 400,000) candidates
        Assert.Contains(Recorder.InTransaction, e => e.EventId == stored.EventId);
        await using (var db = _data.Db())
            Assert.Equal([candidate.Id], await stored.Candidates(db).ToListAsync());

        await WaitDeliveredAsync(stored.EventId);
        Assert.Equal(stored, Assert.Single(Recorder.Delivered, e => e.EventId == stored.EventId));
        await using (var db = _data.Db())
            Assert.NotNull((await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == row.Id)).DeliveredAt);
    }

    [Fact]
    public async Task Retraction_stores_one_event_and_a_refused_retraction_none()
    {
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H2);
        var m01 = await _data.QualificationAsync("M01");
        var registration = await _data.RegisterAsync(await _data.CandidateAsync(), session, m01);
        var published = await _data.PublishedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        Assert.False((await _data.RetractAsync(published.BatchId, reason: " ")).Succeeded);
        Assert.Empty(await StoredAsync(e => e.BatchId == published.BatchId && e.Kind == ResultChangeKind.Retracted));

        Assert.True((await _data.RetractAsync(published.BatchId)).Succeeded);
        Assert.False((await _data.RetractAsync(published.BatchId)).Succeeded);

        var events = await StoredAsync(e => e.BatchId == published.BatchId);
        Assert.Equal([ResultChangeKind.Published, ResultChangeKind.Retracted], events.OrderBy(e => e.Row.Id).Select(e => e.Event.Kind));
        var retracted = events.Single(e => e.Event.Kind == ResultChangeKind.Retracted).Event;
        Assert.Equal(session.Id, retracted.SessionId);
        await WaitDeliveredAsync(retracted.EventId);
    }

    [Fact]
    public async Task A_failing_part_in_the_transaction_rolls_back_the_publication_and_its_event()
    {
        var session = await _data.SessionAsync(NewYear(), ExamHalf.H2, portal.Clock.GetUtcNow().AddDays(1));
        var m01 = await _data.QualificationAsync("M01");
        var registration = await _data.RegisterAsync(await _data.CandidateAsync(), session, m01);
        var batch = await _data.ApprovedAsync(session, Result(registration, m01, "JC", "50"), Result(registration, m01, "YY", "50"));

        Recorder.FailInTransaction = e => e.BatchId == batch.Id;
        try
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => _data.PublishAsync(batch.Id));
        }
        finally
        {
            Recorder.FailInTransaction = null;
        }

        Assert.Contains(Recorder.InTransaction, e => e.BatchId == batch.Id); // it was raised, inside the transaction
        Assert.Empty(await StoredAsync(e => e.BatchId == batch.Id));
        Assert.Equal(ResultBatchStatus.Approved, (await _data.BatchAsync(batch.Id)).Status);
        Assert.All(await _data.ScoresAsync(registration.Id), s => Assert.False(s.IsCurrent));
    }

    [Fact]
    public async Task A_score_changing_review_decision_stores_one_event_and_a_refused_or_unchanged_one_none()
    {
        var qualification = await _data.NewQualificationAsync(validityYears: 1);
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, qualification);
        var published = await _data.PublishedAsync(session, Result(registration, qualification, "JC", "51"), Result(registration, qualification, "YY", "41"));
        var staff = await _data.UserIdAsync("staff.beijing@scoreportal.demo");
        var confirm = _data.Service<ConfirmReviewDecision>();

        // Two marks of three: refused, nothing raised.
        var changedRequest = await RequestAsync(candidate, registration, session, qualification, "YY", 41m, 44m, 47m);
        Assert.Equal(ReviewErrors.MarksMissing, (await confirm.HandleAsync(new ConfirmReviewDecisionRequest(staff, changedRequest))).Error);
        Assert.Empty(await StoredAsync(e => e.ReviewRequestId == changedRequest));

        await using (var db = _data.Db())
        {
            db.ExpertMarks.Add(new ExpertMark { ReviewRequestId = changedRequest, ExpertUserId = "e3", AssignedAt = portal.Clock.GetUtcNow(), Score = 52m, MarkedAt = portal.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        Assert.True((await confirm.HandleAsync(new ConfirmReviewDecisionRequest(staff, changedRequest))).Succeeded);
        var (_, decided) = Assert.Single(await StoredAsync(e => e.ReviewRequestId == changedRequest));
        Assert.Equal(ResultChangeKind.ReviewDecided, decided.Kind);
        Assert.Equal((session.Id, published.BatchId, candidate.Id, registration.Id, "FH-EV-" + changedRequest),
            (decided.SessionId, decided.BatchId, decided.CandidateId, decided.RegistrationId, decided.CaseNumber));
        await using (var db = _data.Db())
            Assert.Equal([candidate.Id], await decided.Candidates(db).ToListAsync());
        await WaitDeliveredAsync(decided.EventId);

        // A decision's message queued before result events existed (it waited without a handler) reaches the subscribers too.
        await using (var db = _data.Db())
        {
            db.Enqueue(OutboxKinds.ResultChanged, new { candidateId = candidate.Id, registrationId = registration.Id, subjectId = decided.SubjectId,
                caseNumber = "FH-EARLIER-" + changedRequest, changedAt = portal.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        await portal.WaitForOutboxAsync(() => Task.FromResult(Recorder.Delivered.Any(e => e.CaseNumber == "FH-EARLIER-" + changedRequest)));
        var earlier = Recorder.Delivered.First(e => e.CaseNumber == "FH-EARLIER-" + changedRequest);
        Assert.Equal((ResultChangeKind.ReviewDecided, changedRequest, session.Id), (earlier.Kind, earlier.ReviewRequestId, earlier.SessionId));
        Assert.NotEqual(Guid.Empty, earlier.EventId);

        // The median equals the published score of the other subject: the result does not change, no event.
        var unchangedRequest = await RequestAsync(candidate, registration, session, qualification, "JC", 51m, 50m, 51m, 53m);
        Assert.True((await confirm.HandleAsync(new ConfirmReviewDecisionRequest(staff, unchangedRequest))).Succeeded);
        Assert.Empty(await StoredAsync(e => e.ReviewRequestId == unchangedRequest));
    }

    [Fact]
    public async Task An_event_is_raised_only_inside_a_transaction()
    {
        await using var db = _data.Db();
        var events = portal.Services.GetRequiredService<ResultEvents>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => events.RaiseAsync(db, ResultChanged.Published(1, 1, portal.Clock.GetUtcNow()), default));
        Assert.False(db.ChangeTracker.HasChanges());
    }

    /// <summary>A request in re-marking with the given expert marks (built directly: the review use cases are tested on their own).</summary>
    private async Task<int> RequestAsync(Candidate candidate, Registration registration, ExamSession session, Qualification qualification,
        string subjectCode, decimal original, params decimal[] marks)
    {
        var subjectId = qualification.Subjects.Single(s => s.Code == subjectCode).Id;
        await using var db = _data.Db();
        var score = await db.SubjectScores.SingleAsync(s => s.RegistrationId == registration.Id && s.SubjectId == subjectId && s.IsCurrent);
        var request = new ReviewRequest
        {
            CaseNumber = "pending", CandidateId = candidate.Id, RegistrationId = registration.Id, SubjectId = subjectId,
            ExamSessionId = session.Id, QualificationId = qualification.Id, SubjectScoreId = score.Id, ProvinceCode = "11",
            Status = ReviewStatus.Remarking, SubmittedAt = portal.Clock.GetUtcNow(), DueAt = portal.Clock.GetUtcNow().AddDays(20),
            OriginalScore = original, Culture = "zh-CN",
        };
        for (var i = 0; i < marks.Length; i++)
            request.ExpertMarks.Add(new ExpertMark { ExpertUserId = "e" + (i + 1), AssignedAt = portal.Clock.GetUtcNow(), Score = marks[i], MarkedAt = portal.Clock.GetUtcNow() });
        db.ReviewRequests.Add(request);
        await db.SaveChangesAsync();
        request.CaseNumber = "FH-EV-" + request.Id;
        await db.SaveChangesAsync();
        return request.Id;
    }
}
