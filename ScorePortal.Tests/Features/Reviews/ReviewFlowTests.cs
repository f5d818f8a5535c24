using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Platform.Outbox;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.Reviews;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>The issue's walk-through on the demo data, over real HTTP for the candidate and the use cases for staff and experts.</summary>
public sealed class ReviewFlowTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Li_Na_applies_three_experts_re_mark_and_the_confirmed_median_47_becomes_her_score_and_certificate()
    {
        var (client, userId, email, registrationId, subjectId) = await LiNaAsync(portal);
        using var _c = client;

        // A report issued before the review: it must end up "superseded".
        var issued = await portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(userId, registrationId, "zh-CN", "http://localhost/verify", null));
        var report = Assert.IsType<IssueReportOutcome.Issued>(issued);

        // The window is shown on My scores and on the review page.
        var (_, me) = await client.GetAsync("/me");
        Assert.Contains("data-testid=\"me-review-window\"", me);
        int slotId;
        await using (var db = await Db(portal))
            slotId = await db.AppointmentSlots.Where(s => s.ProvinceCode == "31").OrderBy(s => s.Id).Select(s => s.Id).FirstAsync();

        using var applied = await ApplyAsync(client, registrationId, subjectId, GoodFiles(), new Dictionary<string, string>
        {
            ["delivery"] = nameof(ReviewDelivery.Appointment),
            ["slotId"] = slotId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var target = applied.RedirectTarget();
        Assert.Matches(@"^/me/reviews/\d+\?filed=1$", target);
        var requestId = int.Parse(target["/me/reviews/".Length..target.IndexOf('?')], System.Globalization.CultureInfo.InvariantCulture);

        var (status, receipt) = await client.GetAsync(target);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-testid=\"review-receipt\"", receipt);
        Assert.Matches(@"FH\d{4}H[12]-31-\d{6}", receipt);
        using (var pdf = await client.Http.GetAsync($"/me/reviews/{requestId}/receipt.pdf"))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync())[..5]);
        }
        await using (var db = await Db(portal))
            Assert.Equal(1, await db.AppointmentSlots.Where(s => s.Id == slotId).Select(s => s.Booked).SingleAsync());

        // Guangdong staff do not see it; Shanghai staff do.
        var guangdong = await UserIdOfAsync(portal, "staff.guangdong@scoreportal.demo");
        var shanghai = await UserIdOfAsync(portal, "staff.shanghai@scoreportal.demo");
        var queue = portal.Services.GetRequiredService<ReviewQueue>();
        Assert.Null(await queue.DetailAsync(guangdong, requestId));
        Assert.DoesNotContain((await queue.PageAsync(guangdong, new QueueFilter())).Rows, r => r.Id == requestId);
        Assert.Contains((await queue.PageAsync(shanghai, new QueueFilter())).Rows, r => r.Id == requestId);
        Assert.Equal(1, await queue.OpenCountAsync(shanghai));

        var screen = portal.Services.GetRequiredService<ScreenReview>();
        Assert.Equal(ReviewErrors.NotFound, (await screen.HandleAsync(new ScreenReviewRequest(guangdong, requestId, ScreenDecision.Accept, null))).Error);
        Assert.True((await screen.HandleAsync(new ScreenReviewRequest(shanghai, requestId, ScreenDecision.Accept, null))).Succeeded);

        using (var script = new MemoryStream(Pdf(3)))
            Assert.True((await portal.Services.GetRequiredService<StartRemarking>().HandleAsync(
                new StartRemarkingRequest(shanghai, requestId, script, script.Length))).Succeeded);

        // The three demo experts of other provinces were assigned; each sees only the script.
        string[] experts =
        [
            await UserIdOfAsync(portal, "expert1@scoreportal.demo"),
            await UserIdOfAsync(portal, "expert2@scoreportal.demo"),
            await UserIdOfAsync(portal, "expert3@scoreportal.demo"),
        ];
        var assignments = portal.Services.GetRequiredService<ExpertAssignments>();
        var record = portal.Services.GetRequiredService<RecordExpertMark>();
        var files = portal.Services.GetRequiredService<ReadReviewFile>();
        decimal[] marks = [44m, 47m, 52m];
        for (var i = 0; i < experts.Length; i++)
        {
            var mine = Assert.Single(await assignments.ListAsync(experts[i]));
            Assert.True(mine.Open);
            var scriptFile = await files.ScriptForExpertAsync(experts[i], mine.Id, default);
            Assert.Equal("application/pdf", scriptFile!.ContentType);
            Assert.True((await record.HandleAsync(new RecordExpertMarkRequest(experts[i], mine.Id, marks[i], "复评"))).Succeeded);
        }

        Assert.True((await portal.Services.GetRequiredService<ConfirmReviewDecision>().HandleAsync(
            new ConfirmReviewDecisionRequest(shanghai, requestId))).Succeeded);

        await using (var db = await Db(portal))
        {
            var current = await db.SubjectScores.Where(s => s.RegistrationId == registrationId && s.SubjectId == subjectId && s.IsCurrent).ToListAsync();
            var decision = Assert.Single(current);
            Assert.Equal(47m, decision.Score);
            Assert.Equal(requestId, decision.ReviewRequestId);
            Assert.Equal(2, decision.Version);
            var request = await db.ReviewRequests.SingleAsync(r => r.Id == requestId);
            Assert.Equal((ReviewStatus.Decided, true, 47m, 41m), (request.Status, request.Changed!.Value, request.FinalScore!.Value, request.OriginalScore));
            // 51 and now 47 against 45: the qualification is passed and a certificate number issued.
            var candidateId = request.CandidateId;
            var certificate = await db.QualificationOutcomes.SingleAsync(o => o.CandidateId == candidateId && o.RevokedAt == null);
            Assert.StartsWith("RK", certificate.CertificateNumber);
            Assert.Equal(ReportStatus.Superseded, await db.ReportIssues.Where(r => r.Id == report.ReportId).Select(r => r.Status).SingleAsync());
            var changed = await db.OutboxMessages.SingleAsync(m => m.Kind == OutboxKinds.ResultChanged);
            Assert.Contains(request.CaseNumber, changed.Payload);
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "review.decide" && e.TargetId == requestId.ToString()));
            Assert.Equal(6, await db.ReviewEvents.CountAsync(e => e.ReviewRequestId == requestId) + 2);
        }

        // The lookup shows 47; the decided status mail arrives at the SMTP listener.
        var (_, scores) = await client.GetAsync("/me");
        Assert.Contains(">47<", scores);
        Assert.DoesNotContain(">41<", scores);
        var mail = await portal.Mailbox.WaitForMessageAsync(m => SmtpTestServer.IsTo(m, email) && (m.TextBody ?? "").Contains("成绩变更"), TimeSpan.FromSeconds(30));
        Assert.Contains("FH", mail.TextBody);

        // After the commit the event reaches the result subscribers (the test host's recorder stands for them).
        await portal.WaitForOutboxAsync(async () =>
        {
            await using var db = await Db(portal);
            return (await db.OutboxMessages.SingleAsync(m => m.Kind == OutboxKinds.ResultChanged)).DeliveredAt is not null;
        });
        var delivered = Assert.Single(portal.Services.GetRequiredService<ResultChangedRecorder>().Delivered, e => e.ReviewRequestId == requestId);
        Assert.Equal(ResultChangeKind.ReviewDecided, delivered.Kind);
        Assert.StartsWith("FH", delivered.CaseNumber);
        Assert.Equal(subjectId, delivered.SubjectId);
    }
}
