using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Api;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Api;

/// <summary>
/// <c>POST /api/v1/exam/result</c> over real HTTP on a seeded portal: the issue's exact request and answer, and every
/// problem code with its status. The demo enterprise's consent (杨𠮷, employee id E2023001, S03) comes from the seeder.
/// </summary>
public sealed partial class ExamResultApiTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private readonly ApiTestData _data = new(portal);

    private async Task<string> DemoApiKeyAsync()
    {
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == "demo-api-key");
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        Assert.Equal(0, await command.RunAsync(scope.ServiceProvider, new CommandArguments([]), output));
        return output.ToString().Trim().Split('\n')[^1].Trim();
    }

    [Fact]
    public async Task The_issues_exact_request_with_the_key_demo_api_key_prints_answers_success_in_the_exact_shape()
    {
        var key = await DemoApiKeyAsync();
        Assert.True(ApiKeySecrets.LooksLikeKey(key), key);
        var client = portal.CreateClient();

        var answer = await ApiTestData.PostAsync(client, key, ApiTestData.IssueBody);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/json", answer.ContentType);
        Assert.Equal(["status", "data"], answer.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("success", answer.Body.GetProperty("status").GetString());
        var data = answer.Body.GetProperty("data");
        Assert.Equal(["score", "pass", "cert_no", "name_masked", "session", "level", "subjects", "history"], data.EnumerateObject().Select(p => p.Name));
        // 杨𠮷 passed S03 in the latest session with 53 / 49 / 46: the weakest pass is the score.
        Assert.Equal(46m, data.GetProperty("score").GetDecimal());
        Assert.True(data.GetProperty("pass").GetBoolean());
        Assert.Matches(CertificateNumber(), data.GetProperty("cert_no").GetString());
        Assert.Equal("杨*", data.GetProperty("name_masked").GetString());
        var session = data.GetProperty("session");
        Assert.Equal(["code", "name"], session.EnumerateObject().Select(p => p.Name));
        Assert.Matches(@"^\d{4}H[12]$", session.GetProperty("code").GetString());
        Assert.Contains("年", session.GetProperty("name").GetString());
        Assert.Equal("senior", data.GetProperty("level").GetProperty("code").GetString());
        Assert.Equal("高级资格", data.GetProperty("level").GetProperty("name").GetString());
        var subjects = data.GetProperty("subjects").EnumerateArray().ToList();
        Assert.Equal(3, subjects.Count);
        foreach (var s in subjects)
        {
            Assert.Equal(["name", "score", "status", "pass", "session"], s.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, s.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.Number, s.GetProperty("score").ValueKind);
            Assert.Equal("normal", s.GetProperty("status").GetString());
            Assert.True(s.GetProperty("pass").GetBoolean());
            Assert.Equal(session.GetProperty("code").GetString(), s.GetProperty("session").GetString());
        }
        Assert.Equal([53m, 49m, 46m], subjects.Select(s => s.GetProperty("score").GetDecimal()));
        Assert.Equal(["综合知识", "案例分析", "论文"], subjects.Select(s => s.GetProperty("name").GetString()));
        var history = data.GetProperty("history").EnumerateArray().ToList();
        var sitting = Assert.Single(history);
        Assert.Equal(["session", "subjects"], sitting.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name", "score", "status", "pass"], sitting.GetProperty("subjects")[0].EnumerateObject().Select(p => p.Name));

        // The access row is committed before the answer left: read right after the call, naming the candidate.
        var keyId = await KeyIdAsync(key);
        var row = Assert.Single(await _data.AccessRowsAsync(keyId));
        Assert.Equal("success", row.Outcome);
        Assert.Equal(ConsentFields.AllText, row.Fields);
        Assert.Equal(await _data.DemoCandidateAsync(), row.CandidateId);
        Assert.NotNull(row.ConsentId);
        Assert.Equal(DemoEnterprise.EmployeeId, row.EmployeeId);
        await using var db = _data.Db();
        Assert.Equal(portal.Clock.GetUtcNow().ToUnixTimeMilliseconds(), (await db.ApiKeys.SingleAsync(k => k.Id == keyId)).LastUsedAt?.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task English_callers_get_the_same_figures_with_english_names()
    {
        var key = await DemoApiKeyAsync();
        var answer = await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.IssueBody, language: "en-US,en;q=0.9");
        var data = answer.Body.GetProperty("data");
        Assert.Equal("Senior", data.GetProperty("level").GetProperty("name").GetString());
        Assert.Equal("Comprehensive Knowledge", data.GetProperty("subjects")[0].GetProperty("name").GetString());
        Assert.Equal(46m, data.GetProperty("score").GetDecimal());
    }

    [Fact]
    public async Task A_call_is_audited_without_personal_data()
    {
        var key = await DemoApiKeyAsync();
        var keyId = await KeyIdAsync(key);
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.IssueBody)).Status);
        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using var db = _data.Db();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.EnterpriseApiCall).ToListAsync();
        var entry = Assert.Single(entries, e => e.DataJson.Contains($"\"key\":\"{keyId}\"", StringComparison.Ordinal));
        Assert.Contains("\"outcome\":\"success\"", entry.DataJson, StringComparison.Ordinal);
        Assert.DoesNotContain("E2023001", entry.DataJson, StringComparison.Ordinal);
        Assert.DoesNotContain("杨", entry.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_consent_to_this_enterprise_the_answer_is_unknown_employee_even_for_an_id_consented_to_another()
    {
        var candidate = await _data.DemoCandidateAsync();
        var mine = await _data.EnterpriseAsync();
        var other = await _data.EnterpriseAsync();
        await _data.ConsentAsync(other, candidate, "OTHER-7", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(mine);
        var (otherKey, _) = await _data.KeyAsync(other);
        var client = portal.CreateClient();

        var notMine = await ApiTestData.PostAsync(client, key, ApiTestData.Body("OTHER-7", "S03"));
        var nobody = await ApiTestData.PostAsync(client, key, ApiTestData.Body("NOBODY-1", "S03"));
        var theirs = await ApiTestData.PostAsync(client, otherKey, ApiTestData.Body("other-7", "S03"));

        AssertProblem(notMine, HttpStatusCode.NotFound, "unknown_employee");
        AssertProblem(nobody, HttpStatusCode.NotFound, "unknown_employee");
        // Nothing tells the two apart: the same title and detail.
        Assert.Equal(notMine.Body.GetProperty("detail").GetString(), nobody.Body.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
    }

    [Fact]
    public async Task After_revocation_the_answer_is_no_consent_at_once_and_the_refusal_is_shown_to_the_candidate()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        var consent = await _data.ConsentAsync(enterprise, candidate, "R-1", qualificationCodes: "S03");
        var (key, keyId) = await _data.KeyAsync(enterprise);
        var client = portal.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, ApiTestData.Body("R-1", "S03"))).Status);

        await _data.RevokeConsentAsync(consent);
        var answer = await ApiTestData.PostAsync(client, key, ApiTestData.Body("R-1", "S03"));

        AssertProblem(answer, HttpStatusCode.Forbidden, "no_consent");
        var rows = await _data.AccessRowsAsync(keyId);
        Assert.Equal(["success", "no_consent"], rows.Select(r => r.Outcome));
        Assert.Equal(candidate, rows[1].CandidateId);
        Assert.Equal("", rows[1].Fields);
    }

    [Fact]
    public async Task A_consent_for_other_qualifications_or_fewer_fields_is_no_consent()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "Q-1", qualificationCodes: "M01");
        await _data.ConsentAsync(enterprise, candidate, "Q-2", fields: "score,pass,cert_no", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise);
        var client = portal.CreateClient();

        AssertProblem(await ApiTestData.PostAsync(client, key, ApiTestData.Body("Q-1", "S03")), HttpStatusCode.Forbidden, "no_consent");
        AssertProblem(await ApiTestData.PostAsync(client, key, ApiTestData.Body("Q-2", "S03")), HttpStatusCode.Forbidden, "no_consent");
    }

    [Fact]
    public async Task A_consented_qualification_without_released_results_is_no_result()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "N-1", qualificationCodes: ["S03", "M01"]);
        var (key, _) = await _data.KeyAsync(enterprise);

        AssertProblem(await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.Body("N-1", "M01")), HttpStatusCode.NotFound, "no_result");
    }

    [Fact]
    public async Task Only_addresses_on_the_allow_list_may_call()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync("# office\n203.0.113.0/24\n2001:db8:5::/48\n");
        await _data.ConsentAsync(enterprise, candidate, "A-1", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise);
        var client = portal.CreateClient();
        var body = ApiTestData.Body("A-1", "S03");

        AssertProblem(await ApiTestData.PostAsync(client, key, body, peer: "198.51.100.7"), HttpStatusCode.Forbidden, "address_not_allowed");
        AssertProblem(await ApiTestData.PostAsync(client, key, body), HttpStatusCode.Forbidden, "address_not_allowed");
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body, peer: "203.0.113.9")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body, peer: "::ffff:203.0.113.9")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body, peer: "2001:db8:5:1::20")).Status);
    }

    [Fact]
    public async Task Revoked_keys_keys_rotated_out_after_their_overlap_and_keys_of_a_suspended_enterprise_are_invalid()
    {
        var candidate = await _data.DemoCandidateAsync();
        var now = portal.Clock.GetUtcNow();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "K-1", qualificationCodes: "S03");
        var suspended = await _data.EnterpriseAsync(suspended: true);
        await _data.ConsentAsync(suspended, candidate, "K-1", qualificationCodes: "S03");
        var (revoked, revokedId) = await _data.KeyAsync(enterprise, revokedAt: now.AddMinutes(-1));
        var (rotatedOut, _) = await _data.KeyAsync(enterprise, expiresAt: now.AddSeconds(-1));
        var (inOverlap, _) = await _data.KeyAsync(enterprise, expiresAt: now.AddHours(1));
        var (ofSuspended, _) = await _data.KeyAsync(suspended);
        var client = portal.CreateClient();
        var body = ApiTestData.Body("K-1", "S03");

        foreach (var key in new[] { revoked, rotatedOut, ofSuspended })
        {
            var answer = await ApiTestData.PostAsync(client, key, body);
            AssertProblem(answer, HttpStatusCode.Unauthorized, "invalid_key");
            Assert.Equal("Bearer", answer.Response.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, inOverlap, body)).Status);
        // A key that identified itself leaves its row even when refused: the enterprise sees its old key still in use.
        Assert.Equal("invalid_key", Assert.Single(await _data.AccessRowsAsync(revokedId)).Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer spk_tooShort")]
    [InlineData("Bearer spk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_missing_malformed_or_unknown_bearer_is_invalid_key(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiTestData.Path)
        {
            Content = new StringContent(ApiTestData.IssueBody, System.Text.Encoding.UTF8, "application/json"),
        };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await portal.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_key", json.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Over_the_per_minute_limit_the_answer_is_rate_limited_with_retry_after()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "L-1", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise, perMinute: 3);
        var client = portal.CreateClient();
        var body = ApiTestData.Body("L-1", "S03");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body)).Status);
        var refused = await ApiTestData.PostAsync(client, key, body);

        AssertProblem(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        var retry = refused.Response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retry);
        Assert.Equal(60, retry.Value.TotalSeconds);
    }

    [Fact]
    public async Task Over_the_daily_quota_the_answer_is_quota_exhausted_until_midnight_in_China()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "D-1", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise, quota: 2);
        var client = portal.CreateClient();
        var body = ApiTestData.Body("D-1", "S03");

        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body)).Status);
        var refused = await ApiTestData.PostAsync(client, key, body);

        AssertProblem(refused, HttpStatusCode.TooManyRequests, "quota_exhausted");
        var now = portal.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var untilMidnight = new DateTimeOffset(now.Date.AddDays(1), TimeSpan.FromHours(8)) - now;
        Assert.Equal(ApiProblems.RetryAfterSeconds(untilMidnight), refused.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
    }

    [Theory]
    [InlineData("""{"employee_id": "E2023001", "exam_type": """, "application/json")]
    [InlineData("""not json""", "application/json")]
    [InlineData("""{"employee_id": "E2023001", "exam_type": "S03", "department": "R&D"}""", "application/json")]
    [InlineData("""{"employee_id": "E2023001", "exam_type": "S03", "employee_id": "E2023002"}""", "application/json")]
    [InlineData("""{"Employee_Id": "E2023001", "exam_type": "S03"}""", "application/json")]
    [InlineData("""{"exam_type": "S03"}""", "application/json")]
    [InlineData("""{"employee_id": "E2023001"}""", "application/json")]
    [InlineData("""{"employee_id": 2023001, "exam_type": "S03"}""", "application/json")]
    [InlineData("""{"employee_id": "E 2023 001", "exam_type": "S03"}""", "application/json")]
    [InlineData("""{"employee_id": "E2023001", "exam_type": ""}""", "application/json")]
    [InlineData("""[{"employee_id": "E2023001", "exam_type": "S03"}]""", "application/json")]
    [InlineData("""null""", "application/json")]
    [InlineData("""{"employee_id": "E2023001", "exam_type": "S03"}""", "text/plain")]
    public async Task Malformed_bodies_unknown_or_repeated_members_and_missing_fields_are_invalid_request(string body, string contentType)
    {
        var (key, keyId) = await _data.KeyAsync(await _data.EnterpriseAsync());

        var answer = await ApiTestData.PostAsync(portal.CreateClient(), key, body, contentType: contentType);

        AssertProblem(answer, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("invalid_request", Assert.Single(await _data.AccessRowsAsync(keyId)).Outcome);
    }

    [Fact]
    public async Task A_body_over_4_KB_is_invalid_request_with_413_whether_announced_or_not()
    {
        var (key, _) = await _data.KeyAsync(await _data.EnterpriseAsync());
        var body = "{\"employee_id\": \"E2023001\", \"exam_type\": \"" + new string('S', 4100) + "\"}";
        var client = portal.CreateClient();

        AssertProblem(await ApiTestData.PostAsync(client, key, body), HttpStatusCode.RequestEntityTooLarge, "invalid_request");

        using var request = new HttpRequestMessage(HttpMethod.Post, ApiTestData.Path)
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        using var chunked = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
    }

    [Fact]
    public async Task An_exam_type_that_names_no_qualification_is_unknown_exam_type()
    {
        var (key, _) = await _data.KeyAsync(await _data.EnterpriseAsync());
        AssertProblem(await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.Body("E2023001", "高级厨师")),
            HttpStatusCode.UnprocessableEntity, "unknown_exam_type");
    }

    [Theory]
    [InlineData("S03")]
    [InlineData("s03")]
    [InlineData("Ｓ０３")]
    [InlineData(" S03 ")]
    [InlineData("系统架构设计师")]
    [InlineData("高级系统架构设计师")]
    [InlineData("高级 系统架构设计师")]
    [InlineData("高级　系统架构设计师")]
    [InlineData("高级资格系统架构设计师")]
    [InlineData("System Architecture Designer")]
    [InlineData("senior system architecture designer")]
    [InlineData("Senior System  Architecture Designer")]
    [InlineData("ＳＹＳＴＥＭ ＡＲＣＨＩＴＥＣＴＵＲＥ ＤＥＳＩＧＮＥＲ")]
    public async Task The_exam_type_matches_by_code_name_or_level_and_name_in_either_language(string examType)
    {
        var key = await DemoApiKeyAsync();
        var answer = await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.Body(DemoEnterprise.EmployeeId, examType));
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("senior", answer.Body.GetProperty("data").GetProperty("level").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Problems_speak_the_callers_language_and_keep_their_code()
    {
        var (key, _) = await _data.KeyAsync(await _data.EnterpriseAsync());
        var client = portal.CreateClient();
        var body = ApiTestData.Body("NOBODY-2", "S03");

        var chinese = await ApiTestData.PostAsync(client, key, body);
        var english = await ApiTestData.PostAsync(client, key, body, language: "en-US");
        var preferred = await ApiTestData.PostAsync(client, key, body, language: "fr-FR, en;q=0.8, zh-CN;q=0.5");

        Assert.Equal("无此员工编号的授权", chinese.Body.GetProperty("title").GetString());
        Assert.Equal("No consent under this employee id", english.Body.GetProperty("title").GetString());
        Assert.Equal(english.Body.GetProperty("title").GetString(), preferred.Body.GetProperty("title").GetString());
        Assert.All(new[] { chinese, english, preferred }, a => AssertProblem(a, HttpStatusCode.NotFound, "unknown_employee"));
    }

    [Fact]
    public async Task Key_authenticated_calls_pass_the_anonymous_per_address_limits()
    {
        // The public forms' per-address guard refuses a flood from one address; the API's calls never meet it.
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "P-1", qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise);
        var limits = portal.Services.GetRequiredService<ScorePortal.Platform.Limits.ILimitsStore>();
        await limits.BlockAsync(portal.Services.GetRequiredService<ScorePortal.Features.Alerts.AnomalyDetector>().BlockKeyOf("198.51.100.77"),
            TimeSpan.FromHours(1), "test");

        var answer = await ApiTestData.PostAsync(portal.CreateClient(), key, ApiTestData.Body("P-1", "S03"), peer: "198.51.100.77");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task A_consent_ends_with_its_expiry_and_a_quota_with_Chinas_day()
    {
        var candidate = await _data.DemoCandidateAsync();
        var enterprise = await _data.EnterpriseAsync();
        await _data.ConsentAsync(enterprise, candidate, "X-1", lasts: TimeSpan.FromDays(2), qualificationCodes: "S03");
        var (key, _) = await _data.KeyAsync(enterprise, quota: 1);
        var client = portal.CreateClient();
        var body = ApiTestData.Body("X-1", "S03");
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body)).Status);
        AssertProblem(await ApiTestData.PostAsync(client, key, body), HttpStatusCode.TooManyRequests, "quota_exhausted");

        portal.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await ApiTestData.PostAsync(client, key, body)).Status);

        portal.Clock.Advance(TimeSpan.FromDays(1));
        AssertProblem(await ApiTestData.PostAsync(client, key, body), HttpStatusCode.Forbidden, "consent_expired");
    }

    internal static void AssertProblem(ApiAnswer answer, HttpStatusCode status, string code)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.Equal(code, answer.Code);
        Assert.Equal((int)status, answer.Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(answer.Body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(answer.Body.GetProperty("detail").GetString()));
        Assert.EndsWith("/" + code, answer.Body.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", answer.Body.GetRawText(), StringComparison.Ordinal);
    }

    private async Task<int> KeyIdAsync(string key)
    {
        var hash = ApiKeySecrets.Hash(key);
        await using var db = _data.Db();
        return await db.ApiKeys.Where(k => k.Hash == hash).Select(k => k.Id).SingleAsync();
    }

    [GeneratedRegex(@"^RK\d{8}\d{6}$")]
    private static partial Regex CertificateNumber();
}
