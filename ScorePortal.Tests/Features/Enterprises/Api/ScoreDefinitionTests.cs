using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Api;

/// <summary>
/// What <c>score</c>, <c>pass</c>, <c>session</c>, <c>subjects</c> and <c>history</c> say in every case of
/// docs/enterprise-api.md, on results published through the real publication (which issues the certificates).
/// Test qualifications have two subjects, 基础知识 (JC) and 应用技术 (YY), pass line 45.
/// </summary>
public sealed class ScoreDefinitionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly BatchTestData _batches = new(portal);
    private readonly ApiTestData _api = new(portal);

    private async Task<JsonElement> AskAsync(Candidate candidate, Qualification qualification, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var enterprise = await _api.EnterpriseAsync();
        var employee = "S-" + candidate.Id;
        await _api.ConsentAsync(enterprise, candidate.Id, employee, qualificationCodes: qualification.Code);
        var (key, _) = await _api.KeyAsync(enterprise);
        var answer = await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.Body(employee, qualification.Code));
        Assert.Equal(expected, answer.Status);
        return expected == HttpStatusCode.OK ? answer.Body.GetProperty("data") : answer.Body;
    }

    /// <summary>A new test qualification, announced as a catalog edit announces one (the API reads a cached catalog).</summary>
    private async Task<Qualification> QualificationAsync(int validityYears)
    {
        var qualification = await _batches.NewQualificationAsync(validityYears);
        await _batches.Service<ScorePortal.Features.Results.ResultCatalog>().InvalidateAsync();
        return qualification;
    }

    private Task<ExamSession> ReleasedAsync(int year, ExamHalf half, int daysAgo) =>
        _batches.SessionAsync(year, half, portal.Clock.GetUtcNow().AddDays(-daysAgo).AddHours(-(int)half));

    private static decimal?[] Scores(JsonElement subjects) =>
        [.. subjects.EnumerateArray().Select(s => s.GetProperty("score").ValueKind == JsonValueKind.Null ? (decimal?)null : s.GetProperty("score").GetDecimal())];

    [Fact]
    public async Task Passed_in_one_sitting_the_score_is_the_weakest_subject_of_that_sitting()
    {
        var qualification = await QualificationAsync(validityYears: 1);
        var session = await ReleasedAsync(BatchTestData.NewYear(), ExamHalf.H1, 3100);
        var candidate = await _batches.CandidateAsync("单次通过");
        var registration = await _batches.RegisterAsync(candidate, session, qualification);
        await _batches.PublishedAsync(session, BatchTestData.Result(registration, qualification, "JC", "50"),
            BatchTestData.Result(registration, qualification, "YY", "47"));

        var data = await AskAsync(candidate, qualification);

        Assert.True(data.GetProperty("pass").GetBoolean());
        Assert.Equal(47m, data.GetProperty("score").GetDecimal());
        Assert.StartsWith("RK", data.GetProperty("cert_no").GetString(), StringComparison.Ordinal);
        Assert.Equal(session.Code, data.GetProperty("session").GetProperty("code").GetString());
        Assert.Equal([50m, 47m], Scores(data.GetProperty("subjects")));
        Assert.All(data.GetProperty("subjects").EnumerateArray(), s => Assert.Equal(session.Code, s.GetProperty("session").GetString()));
        Assert.Equal("单***", data.GetProperty("name_masked").GetString());
        Assert.Single(data.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task Passed_with_a_subject_carried_over_the_score_is_the_weakest_of_the_passes_that_make_it_absent_subjects_aside()
    {
        var qualification = await QualificationAsync(validityYears: 2);
        var year = BatchTestData.NewYear();
        var first = await ReleasedAsync(year, ExamHalf.H1, 3300);
        var second = await ReleasedAsync(year, ExamHalf.H2, 3200);
        var candidate = await _batches.CandidateAsync("跨次通过");
        var one = await _batches.RegisterAsync(candidate, first, qualification);
        var two = await _batches.RegisterAsync(candidate, second, qualification);
        await _batches.PublishedAsync(first, BatchTestData.Result(one, qualification, "JC", "50"), BatchTestData.Result(one, qualification, "YY", "40"));
        await _batches.PublishedAsync(second, BatchTestData.Result(two, qualification, "JC", "absent"), BatchTestData.Result(two, qualification, "YY", "48"));

        var data = await AskAsync(candidate, qualification);

        Assert.True(data.GetProperty("pass").GetBoolean());
        Assert.Equal(48m, data.GetProperty("score").GetDecimal());
        Assert.Equal(second.Code, data.GetProperty("session").GetProperty("code").GetString());
        var subjects = data.GetProperty("subjects").EnumerateArray().ToList();
        Assert.Equal([50m, 48m], Scores(data.GetProperty("subjects")));
        Assert.Equal([first.Code, second.Code], subjects.Select(s => s.GetProperty("session").GetString()));
        Assert.All(subjects, s => Assert.True(s.GetProperty("pass").GetBoolean()));
        // Every released sitting, newest first, as it was: the absence in the second and the failure in the first.
        var history = data.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([second.Code, first.Code], history.Select(h => h.GetProperty("session").GetProperty("code").GetString()));
        Assert.Equal(["absent", "normal"], history[0].GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal([null, 48m], Scores(history[0].GetProperty("subjects")));
        Assert.Equal([50m, 40m], Scores(history[1].GetProperty("subjects")));
    }

    [Fact]
    public async Task Not_yet_passed_the_score_is_the_weakest_subject_of_the_latest_sitting()
    {
        var qualification = await QualificationAsync(validityYears: 2);
        var session = await ReleasedAsync(BatchTestData.NewYear(), ExamHalf.H1, 3400);
        var candidate = await _batches.CandidateAsync("未通过");
        var registration = await _batches.RegisterAsync(candidate, session, qualification);
        await _batches.PublishedAsync(session, BatchTestData.Result(registration, qualification, "JC", "50"),
            BatchTestData.Result(registration, qualification, "YY", "40"));

        var data = await AskAsync(candidate, qualification);

        Assert.False(data.GetProperty("pass").GetBoolean());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("cert_no").ValueKind);
        Assert.Equal(40m, data.GetProperty("score").GetDecimal());
        Assert.Equal([true, false], data.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("pass").GetBoolean()));
    }

    [Fact]
    public async Task Absent_and_voided_subjects_have_no_score_and_a_sitting_without_any_has_a_null_score()
    {
        var qualification = await QualificationAsync(validityYears: 2);
        var session = await ReleasedAsync(BatchTestData.NewYear(), ExamHalf.H1, 3500);
        var partly = await _batches.CandidateAsync("缺考一科");
        var wholly = await _batches.CandidateAsync("全无成绩");
        var a = await _batches.RegisterAsync(partly, session, qualification);
        var b = await _batches.RegisterAsync(wholly, session, qualification);
        await _batches.PublishedAsync(session,
            BatchTestData.Result(a, qualification, "JC", "47"), BatchTestData.Result(a, qualification, "YY", "absent"),
            BatchTestData.Result(b, qualification, "JC", "voided"), BatchTestData.Result(b, qualification, "YY", "absent"));

        var some = await AskAsync(partly, qualification);
        var none = await AskAsync(wholly, qualification);

        Assert.Equal(47m, some.GetProperty("score").GetDecimal());
        Assert.False(some.GetProperty("pass").GetBoolean());
        Assert.Equal(["normal", "absent"], some.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("score").ValueKind);
        Assert.Equal(["voided", "absent"], none.GetProperty("subjects").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal([null, null], Scores(none.GetProperty("subjects")));
    }

    [Fact]
    public async Task Nothing_released_is_no_result_even_when_a_published_session_passed_before_its_release_time()
    {
        var qualification = await QualificationAsync(validityYears: 1);
        var year = BatchTestData.NewYear();
        var scheduled = await _batches.SessionAsync(year, ExamHalf.H1, portal.Clock.GetUtcNow().AddDays(30));
        var early = await _batches.SessionAsync(year, ExamHalf.H2, portal.Clock.GetUtcNow().AddDays(40));
        var registeredOnly = await _batches.CandidateAsync("仅报名");
        var publishedEarly = await _batches.CandidateAsync("未到发布时间");
        await _batches.RegisterAsync(registeredOnly, scheduled, qualification);
        var registration = await _batches.RegisterAsync(publishedEarly, early, qualification);
        await _batches.PublishedAsync(early, BatchTestData.Result(registration, qualification, "JC", "60"),
            BatchTestData.Result(registration, qualification, "YY", "60"));
        Assert.Single(await _batches.OutcomesAsync(publishedEarly.Id));
        // Publishing now moves the release to now; a session edit then puts it back in the future (what the lookup hides too).
        await using (var db = _batches.Db())
        {
            var later = portal.Clock.GetUtcNow().AddDays(40);
            await db.ExamSessions.Where(s => s.Id == early.Id).ExecuteUpdateAsync(set => set.SetProperty(s => s.ReleaseAt, later));
        }
        await _batches.Service<ScorePortal.Features.Results.SessionCatalog>().InvalidateAsync();

        var first = await AskAsync(registeredOnly, qualification, HttpStatusCode.NotFound);
        var second = await AskAsync(publishedEarly, qualification, HttpStatusCode.NotFound);

        Assert.Equal("no_result", first.GetProperty("code").GetString());
        Assert.Equal("no_result", second.GetProperty("code").GetString());
    }
}
