using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>From the exam office's file to the candidate's screen: import, approval by a second admin, publication, public lookup.</summary>
public sealed class ImportToLookupTests
{
    [Fact]
    public async Task Candidates_with_rare_character_and_middle_dot_names_find_their_imported_scores_after_publication()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var yang = ResultsFile.ResidentId(11, "110108");
        var maimaiti = ResultsFile.ResidentId(12, "650102");
        var file = new ResultsFile()
            .SeniorCandidate(session + "-11-900001", yang, "杨𠮷", "11", 50, 46, 30)
            .SeniorCandidate(session + "-65-900002", maimaiti, "买买提•艾力", "65", 60, 60, 75);
        foreach (var subject in new[] { "ZH", "AL", "LW" })
            file.Row(session + "-11-900003", "passport", "E7654321", "Maria Lopez", "11", "S01", subject, "52", "normal", "maria@example.org");
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, await file.SaveAsync(portal.Directory)));

        // Before publication nobody sees anything: the session is not released.
        Assert.Contains("成绩尚未发布", await LookUpAsync(portal, session, yang, "杨𠮷"));

        await ApproveAndPublishAsync(portal, imported);

        var yangSheet = await LookUpAsync(portal, session, yang, "杨U+20BB7");
        Assert.Contains("data-testid=\"result-sheet\"", yangSheet);
        Assert.Contains("杨𠮷", yangSheet);
        Assert.Contains(">46<", yangSheet);

        var maimaitiSheet = await LookUpAsync(portal, session, maimaiti, "买买提・艾力");
        Assert.Contains("买买提·艾力", maimaitiSheet);
        var releaseDate = await ReleaseDateAsync(portal, session);
        Assert.Contains("证书编号：RK" + releaseDate, maimaitiSheet);

        var byTicket = await LookUpByTicketAsync(portal, session + "-65-900002", "买买提·艾力");
        Assert.Contains("data-testid=\"result-sheet\"", byTicket);

        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup/overseas?culture=en-US", "lookup-overseas", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.PassportNumber"] = "e7654321", ["Input.Email"] = "Maria@Example.org",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        var overseas = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Score report", overseas);
        Assert.Contains("Maria Lopez", overseas);
    }

    [Fact]
    public async Task A_candidate_passing_subjects_in_two_sessions_under_the_two_year_rule_gets_one_certificate()
    {
        await using var portal = new DemoPortal();
        string latest, scheduled;
        await using (var db = await CreateDbAsync(portal))
        {
            var sessions = await db.ExamSessions.AsNoTracking().OrderBy(s => s.Year).ThenBy(s => s.Half).ToListAsync();
            latest = sessions.Last(s => s.PublishedAt != null).Code;
            scheduled = sessions.Single(s => s.PublishedAt == null).Code;
        }
        var id = ResultsFile.ResidentId(21, "320106");

        // First sitting (a correction batch of the released session): two subjects passed, the essay failed.
        var first = await new ResultsFile().SeniorCandidate(latest + "-32-900001", id, "陈思远", "32", 50, 48, 40).SaveAsync(portal.Directory, "first.csv");
        await ApproveAndPublishAsync(portal, Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, latest, first)));
        Assert.DoesNotContain("证书编号", await LookUpAsync(portal, latest, id, "陈思远"));

        // Next sitting: only the essay is sat, and passed.
        var second = new ResultsFile();
        second.Row(scheduled + "-32-900001", "resident", id, "陈思远", "32", "S01", "ZH", "", "absent");
        second.Row(scheduled + "-32-900001", "resident", id, "陈思远", "32", "S01", "AL", "", "absent");
        second.Row(scheduled + "-32-900001", "resident", id, "陈思远", "32", "S01", "LW", "51");
        await ApproveAndPublishAsync(portal, Assert.IsType<ImportOutcome.Imported>(
            await ImportAsync(portal, scheduled, await second.SaveAsync(portal.Directory, "second.csv"))));

        await using var check = await CreateDbAsync(portal);
        var candidateId = await check.Registrations.Where(r => r.TicketNumber == scheduled + "-32-900001").Select(r => r.CandidateId).SingleAsync();
        var outcome = Assert.Single(await check.QualificationOutcomes.Where(o => o.CandidateId == candidateId).ToListAsync());
        Assert.Null(outcome.RevokedAt);
        Assert.StartsWith("RK" + await ReleaseDateAsync(portal, scheduled), outcome.CertificateNumber);

        var sheet = await LookUpAsync(portal, scheduled, id, "陈思远");
        Assert.Contains("证书编号：" + outcome.CertificateNumber, sheet);
    }

    private static async Task ApproveAndPublishAsync(DemoPortal portal, ImportOutcome.Imported imported)
    {
        var approver = await UserIdAsync(portal, "admin2@scoreportal.demo");
        await using var scope = portal.Services.CreateAsyncScope();
        var approved = await scope.ServiceProvider.GetRequiredService<ApproveBatch>()
            .HandleAsync(new ApproveBatchRequest(imported.BatchId, approver, imported.Fingerprint));
        Assert.True(approved.Succeeded, approved.ErrorKey);
        var published = await scope.ServiceProvider.GetRequiredService<PublishBatch>()
            .HandleAsync(new PublishBatchRequest(imported.BatchId, approver));
        Assert.True(published.Succeeded, published.ErrorKey);
    }

    private static async Task<string> ReleaseDateAsync(DemoPortal portal, string session)
    {
        await using var db = await CreateDbAsync(portal);
        var releaseAt = await db.ExamSessions.Where(s => s.Code == session).Select(s => s.ReleaseAt).SingleAsync();
        return releaseAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    }

    private static async Task<string> LookUpAsync(DemoPortal portal, string session, string idNumber, string name)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = idNumber, ["Input.Name"] = name,
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> LookUpByTicketAsync(DemoPortal portal, string ticket, string name)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup-ticket", new Dictionary<string, string>
        {
            ["Ticket.TicketNumber"] = ticket, ["Ticket.Name"] = name, ["Ticket.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
