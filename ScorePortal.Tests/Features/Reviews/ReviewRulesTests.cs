using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Reviews;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>The rules of item 5, each enforced on the server: every refusal comes back with its message key.</summary>
public sealed class ReviewRulesTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private T Get<T>() where T : notnull => portal.Services.GetRequiredService<T>();

    [Fact]
    public async Task A_candidate_reaches_only_their_own_requests_and_files_and_ids_of_others_give_404()
    {
        var (owner, ownerId, _, registrationId) = await LinkedAsync(portal, "110105199003072311", "张伟");
        using var _o = owner;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        var requestId = await FiledAsync(owner, registrationId, subject);
        Guid fileId;
        await using (var db = await Db(portal))
            fileId = await db.ReviewFiles.Where(f => f.ReviewRequestId == requestId).Select(f => f.Id).FirstAsync();

        using (var own = await owner.Http.GetAsync($"/me/reviews/files/{fileId}"))
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);

        var (other, _, otherEmail) = await ScorePortal.Tests.Features.Me.CandidateTestSupport.SignedInCandidateAsync(portal);
        using var _x = other;
        foreach (var path in new[]
                 {
                     $"/me/reviews/{requestId}", $"/me/reviews/files/{fileId}", $"/me/reviews/{requestId}/receipt.pdf",
                     $"/me/reviews/form.pdf?registrationId={registrationId}&subjectId={subject}",
                 })
        {
            using var response = await other.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}");
        }
        // Applying for the owner's registration from another account is "not found", and nothing is created.
        var otherId = await ScorePortal.Tests.Features.Me.CandidateTestSupport.UserIdAsync(portal, otherEmail);
        var files = GoodFiles().Select(f => new UploadedFile(Enum.Parse<ReviewFileKind>(f.Key, ignoreCase: true), new MemoryStream(f.Value.Bytes), f.Value.Bytes.Length)).ToList();
        var refused = await Get<ApplyForReview>().HandleAsync(new ApplyForReviewRequest(otherId, registrationId, subject, ReviewReason.NearPassLine, null,
            ReviewDelivery.OnlineOnly, null, null, files, "zh-CN", null));
        Assert.IsType<ApplyForReviewOutcome.NotFound>(refused);
        await using (var db = await Db(portal))
        {
            Assert.Equal(1, await db.ReviewRequests.CountAsync(r => r.RegistrationId == registrationId));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "review.apply" && e.ActorUserId == ownerId));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "review.file.view" && e.TargetId == fileId.ToString("N")));
        }
    }

    [Fact]
    public async Task Staff_reach_only_the_requests_and_files_of_their_own_province()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "370102199608302908", "孙丽");
        using var _c = client;
        var requestId = await FiledAsync(client, registrationId, (await ScoredSubjectsAsync(portal, registrationId))[0]);
        Guid fileId;
        await using (var db = await Db(portal))
            fileId = await db.ReviewFiles.Where(f => f.ReviewRequestId == requestId).Select(f => f.Id).FirstAsync();
        var shandong = await AccountAsync(portal, Roles.Staff, "37");
        var beijing = await UserIdOfAsync(portal, "staff.beijing@scoreportal.demo");
        var unbound = await AccountAsync(portal, Roles.Staff, null);

        foreach (var outsider in new[] { beijing, unbound })
        {
            Assert.Null(await Get<ReviewQueue>().DetailAsync(outsider, requestId));
            Assert.DoesNotContain((await Get<ReviewQueue>().PageAsync(outsider, new QueueFilter())).Rows, r => r.Id == requestId);
            Assert.Null(await Get<ReadReviewFile>().ForStaffAsync(outsider, fileId, default));
            foreach (var decision in Enum.GetValues<ScreenDecision>())
                Assert.Equal(ReviewErrors.NotFound, (await Get<ScreenReview>().HandleAsync(new ScreenReviewRequest(outsider, requestId, decision, "x"))).Error);
            using var script = new MemoryStream(Pdf());
            Assert.Equal(ReviewErrors.NotFound, (await Get<StartRemarking>().HandleAsync(new StartRemarkingRequest(outsider, requestId, script, script.Length))).Error);
            Assert.Equal(ReviewErrors.NotFound, (await Get<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(outsider, requestId))).Error);
        }

        Assert.NotNull(await Get<ReviewQueue>().DetailAsync(shandong, requestId));
        Assert.NotNull(await Get<ReadReviewFile>().ForStaffAsync(shandong, fileId, default));
        // Asking for more needs a message to the candidate; with one it goes through and the candidate sees it.
        Assert.Equal(ReviewErrors.MessageRequired, (await Get<ScreenReview>().HandleAsync(new ScreenReviewRequest(shandong, requestId, ScreenDecision.AskForMore, " "))).Error);
        Assert.True((await Get<ScreenReview>().HandleAsync(new ScreenReviewRequest(shandong, requestId, ScreenDecision.AskForMore, "请补充清晰的准考证扫描件"))).Succeeded);
        var (_, page) = await client.GetAsync($"/me/reviews/{requestId}");
        Assert.Contains("请补充清晰的准考证扫描件", page);
        Assert.Contains("需补充材料", page);

        // The candidate answers with a new admission ticket: the request is "submitted" again, with four files.
        var hidden = await client.ReadFormAsync($"/me/reviews/{requestId}", "review-more");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in hidden) content.Add(new StringContent(value), name);
        content.Add(new ByteArrayContent(Png()), "admissionTicket", "ticket.png");
        using var added = await client.Http.PostAsync($"/me/reviews/{requestId}/files", content);
        Assert.Equal($"/me/reviews/{requestId}?added=1", added.RedirectTarget());
        await using (var db = await Db(portal))
        {
            Assert.Equal(ReviewStatus.Submitted, await db.ReviewRequests.Where(r => r.Id == requestId).Select(r => r.Status).SingleAsync());
            Assert.Equal(4, await db.ReviewFiles.CountAsync(f => f.ReviewRequestId == requestId));
        }
    }

    [Fact]
    public async Task Experts_of_the_candidates_province_are_never_assigned_cannot_mark_it_mark_once_and_see_no_other_marks()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "420106198507191503", "陈静");
        using var _c = client;
        var requestId = await FiledAsync(client, registrationId, (await ScoredSubjectsAsync(portal, registrationId))[1]);
        var hubei = await AccountAsync(portal, Roles.Staff, "42");
        var hubeiExpert = await AccountAsync(portal, Roles.Expert, "42");
        await RemarkingAsync(portal, hubei, requestId);

        var assigned = await AssignmentsAsync(portal, requestId);
        Assert.Equal(3, assigned.Select(a => a.ExpertUserId).Distinct().Count());
        Assert.DoesNotContain(assigned, a => a.ExpertUserId == hubeiExpert);
        await using (var db = await Db(portal))
        {
            var ids = assigned.Select(a => a.ExpertUserId).ToList();
            Assert.All(await db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.ProvinceCode).ToListAsync(), p => Assert.True(p is not null && p != "42"));
            // A row slipped in for an expert of the candidate's own province (by hand, not by the portal) still gets nowhere.
            db.ExpertMarks.Add(new ExpertMark { ReviewRequestId = requestId, ExpertUserId = hubeiExpert, AssignedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }
        var smuggled = (await AssignmentsAsync(portal, requestId)).Single(a => a.ExpertUserId == hubeiExpert).Id;
        Assert.Equal(ReviewErrors.NotFound, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(hubeiExpert, smuggled, 50m, null))).Error);
        Assert.Null(await Get<ReadReviewFile>().ScriptForExpertAsync(hubeiExpert, smuggled, default));
        Assert.Empty(await Get<ExpertAssignments>().ListAsync(hubeiExpert));
        await using (var db = await Db(portal))
        {
            await db.ExpertMarks.Where(m => m.Id == smuggled).ExecuteDeleteAsync();
        }

        var (firstId, first) = assigned[0];
        var (secondId, second) = assigned[1];
        // Someone else's assignment is "not found"; out-of-range scores are refused.
        Assert.Equal(ReviewErrors.NotFound, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(second, firstId, 40m, null))).Error);
        Assert.Null(await Get<ReadReviewFile>().ScriptForExpertAsync(second, firstId, default));
        Assert.Equal(ReviewErrors.ScoreOutOfRange, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(first, firstId, 76m, null))).Error);
        Assert.Equal(ReviewErrors.ScoreOutOfRange, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(first, firstId, 40.3m, null))).Error);
        Assert.True((await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(first, firstId, 40m, "ok"))).Succeeded);
        Assert.Equal(ReviewErrors.AlreadyMarked, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(first, firstId, 60m, null))).Error);

        // The second expert sees their own open assignment and nothing of the first one's mark.
        var view = Assert.Single(await Get<ExpertAssignments>().ListAsync(second), a => a.Id == secondId);
        Assert.Null(view.Score);
        Assert.True(view.Open);
        Assert.DoesNotContain(await Get<ExpertAssignments>().ListAsync(second), a => a.Id == firstId);
        // Two marks in: staff cannot confirm yet.
        Assert.Equal(ReviewErrors.MarksMissing, (await Get<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(hubei, requestId))).Error);
        await using (var db = await Db(portal))
        {
            var marked = await db.ExpertMarks.SingleAsync(m => m.Id == firstId);
            Assert.Equal(40m, marked.Score);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "review.mark" && e.ActorUserId == first));
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "review.remark.start" && e.ActorUserId == hubei));
        }
    }

    [Fact]
    public async Task Nothing_is_accepted_after_the_review_window_closes()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "440106199509216119", "刘洋");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        var hidden = await client.ReadFormAsync("/me/reviews", $"apply-{registrationId}");
        int sessionId;
        DateTimeOffset closes;
        await using (var db = await Db(portal))
        {
            var session = await db.Registrations.Where(r => r.Id == registrationId).Select(r => r.ExamSession).SingleAsync();
            (sessionId, closes) = (session.Id, session.ReviewClosesAt);
        }
        try
        {
            await using (var db = await Db(portal))
                await db.ExamSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReviewClosesAt, portal.Clock.GetUtcNow().AddMinutes(-1)));

            using var response = await ApplyAsync(client, registrationId, subject, GoodFiles(), hidden: hidden);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/me/reviews?message=Review.Error.WindowClosed", response.RedirectTarget());
            var (_, page) = await client.GetAsync(response.RedirectTarget());
            Assert.Contains("不在复核申请期内，申请未被受理。", page);
            Assert.Contains("data-testid=\"review-window-closed\"", page);
            await using var check = await Db(portal);
            Assert.False(await check.ReviewRequests.AnyAsync(r => r.RegistrationId == registrationId));
        }
        finally
        {
            await using var db = await Db(portal);
            await db.ExamSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReviewClosesAt, closes));
        }
    }

    [Fact]
    public async Task A_decided_request_cannot_be_reopened_or_decided_again()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "650102199302267414", "买买提·艾力");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[1];
        var requestId = await FiledAsync(client, registrationId, subject);
        var xinjiang = await AccountAsync(portal, Roles.Staff, "65");
        await RemarkingAsync(portal, xinjiang, requestId);
        foreach (var (id, expert) in await AssignmentsAsync(portal, requestId))
            Assert.True((await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(expert, id, 45m, null))).Succeeded);
        Assert.True((await Get<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(xinjiang, requestId))).Succeeded);

        // 45 confirmed over 45: decided, unchanged.
        await using (var db = await Db(portal))
        {
            var request = await db.ReviewRequests.SingleAsync(r => r.Id == requestId);
            Assert.Equal((ReviewStatus.Decided, false), (request.Status, request.Changed));
        }
        foreach (var decision in new[] { ScreenDecision.Accept, ScreenDecision.AskForMore, ScreenDecision.Reject, ScreenDecision.Claim })
            Assert.Equal(ReviewErrors.Closed, (await Get<ScreenReview>().HandleAsync(new ScreenReviewRequest(xinjiang, requestId, decision, "again"))).Error);
        using (var script = new MemoryStream(Pdf()))
            Assert.Equal(ReviewErrors.Closed, (await Get<StartRemarking>().HandleAsync(new StartRemarkingRequest(xinjiang, requestId, script, script.Length))).Error);
        Assert.Equal(ReviewErrors.Closed, (await Get<ConfirmReviewDecision>().HandleAsync(new ConfirmReviewDecisionRequest(xinjiang, requestId))).Error);
        var (firstId, firstExpert) = (await AssignmentsAsync(portal, requestId))[0];
        Assert.Equal(ReviewErrors.Closed, (await Get<RecordExpertMark>().HandleAsync(new RecordExpertMarkRequest(firstExpert, firstId, 50m, null))).Error);

        // The candidate cannot file the decided subject again.
        using var again = await ApplyAsync(client, registrationId, subject, GoodFiles(), hidden: await client.ReadFormAsync("/me/reviews", $"apply-{registrationId}"));
        Assert.Equal("/me/reviews?message=Review.Error.AlreadyDecided", again.RedirectTarget());
        await using (var db = await Db(portal))
        {
            Assert.Equal(1, await db.ReviewRequests.CountAsync(r => r.RegistrationId == registrationId && r.SubjectId == subject));
            Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == "review.decide" && e.TargetId == requestId.ToString()));
            // The admin analytics figures count it: one request of the province decided, none changed.
            var sessionId = await db.ReviewRequests.Where(r => r.Id == requestId).Select(r => r.ExamSessionId).SingleAsync();
            var row = Assert.Single(await Get<ReviewFigures>().ForSessionAsync(sessionId), r => r.ProvinceCode == "65");
            Assert.Equal((1, 1, 0, 0), (row.Requests, row.Decided, row.Changed, row.Rejected));
            Assert.NotNull(row.AverageDaysToDecide);
        }
    }
}
