using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>
/// A decided review and later batches of the same session: a correction or a retraction never silently undoes the
/// decision. The decision stays the current score; the later batch's preview names the case.
/// </summary>
public sealed class ReviewDecisionBatchTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _data = new(portal);

    [Fact]
    public async Task A_later_batch_version_and_retractions_leave_a_decided_review_current_and_the_preview_flags_it()
    {
        var qualification = await _data.NewQualificationAsync(validityYears: 1);
        var session = await _data.PastSessionAsync(NewYear(), ExamHalf.H1);
        var candidate = await _data.CandidateAsync();
        var registration = await _data.RegisterAsync(candidate, session, qualification);
        var first = await _data.PublishedAsync(session, Result(registration, qualification, "JC", "51"), Result(registration, qualification, "YY", "41"));
        var subjectId = qualification.Subjects.Single(s => s.Code == "YY").Id;

        // A request in re-marking with its three marks in (built directly: the use cases are tested on their own).
        var staff = await _data.UserIdAsync("staff.beijing@scoreportal.demo");
        int requestId;
        await using (var db = _data.Db())
        {
            var score = await db.SubjectScores.SingleAsync(s => s.RegistrationId == registration.Id && s.SubjectId == subjectId && s.IsCurrent);
            var request = new ReviewRequest
            {
                CaseNumber = "FH-TEST-" + registration.Id, CandidateId = candidate.Id, RegistrationId = registration.Id, SubjectId = subjectId,
                ExamSessionId = session.Id, QualificationId = qualification.Id, SubjectScoreId = score.Id, ProvinceCode = "11",
                Status = ReviewStatus.Remarking, SubmittedAt = portal.Clock.GetUtcNow(), DueAt = portal.Clock.GetUtcNow().AddDays(20),
                OriginalScore = 41m, Culture = "zh-CN",
            };
            foreach (var (expert, mark) in new[] { ("e1", 44m), ("e2", 47m), ("e3", 52m) })
                request.ExpertMarks.Add(new ExpertMark { ExpertUserId = expert, AssignedAt = portal.Clock.GetUtcNow(), Score = mark, MarkedAt = portal.Clock.GetUtcNow() });
            db.ReviewRequests.Add(request);
            await db.SaveChangesAsync();
            requestId = request.Id;
        }
        Assert.True((await _data.Service<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(staff, requestId))).Succeeded);
        Assert.Single(await _data.OutcomesAsync(candidate.Id), o => o.RevokedAt == null);

        // A correction with 43 for the subject: the preview flags the case before approval.
        var correction = await _data.ApprovedAsync(session, Result(registration, qualification, "JC", "51"), Result(registration, qualification, "YY", "43"));
        await using (var db = _data.Db())
            Assert.Equal(["FH-TEST-" + registration.Id], await ReviewDecisions.TouchedByBatchAsync(db, correction.Id, default));
        Assert.True((await _data.PublishAsync(correction.Id)).Succeeded);
        await AssertCurrentAsync(registration.Id, subjectId, 47m, requestId);
        Assert.Single(await _data.OutcomesAsync(candidate.Id), o => o.RevokedAt == null);

        // Retracting the correction, then the original batch the decision was made on: the decision stays.
        Assert.True((await _data.RetractAsync(correction.Id)).Succeeded);
        await AssertCurrentAsync(registration.Id, subjectId, 47m, requestId);
        Assert.True((await _data.RetractAsync(first.BatchId)).Succeeded);
        await AssertCurrentAsync(registration.Id, subjectId, 47m, requestId);
    }

    private async Task AssertCurrentAsync(int registrationId, int subjectId, decimal score, int requestId)
    {
        await using var db = _data.Db();
        var current = await db.SubjectScores.AsNoTracking().Where(s => s.RegistrationId == registrationId && s.SubjectId == subjectId && s.IsCurrent).ToListAsync();
        var only = Assert.Single(current);
        Assert.Equal((score, (int?)requestId), (only.Score!.Value, only.ReviewRequestId));
    }
}
