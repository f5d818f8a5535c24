using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Demo;
using ScorePortal.Features.Enterprises;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Api;

/// <summary>A call's answer: status, headers and the parsed body.</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, HttpResponseMessage Response, JsonElement Body)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var c) ? c.GetString() : null;

    public string? ContentType => Response.Content.Headers.ContentType?.MediaType;
}

/// <summary>
/// Enterprises, keys and consents for API tests, straight through the DbContext (the admin and consent pages are other
/// parts of the work), beside <c>BatchTestData</c> for candidates with published results.
/// </summary>
internal sealed class ApiTestData(DemoPortal portal)
{
    public const string Path = "/api/v1/exam/result";
    public const string IssueBody = """{"employee_id": "E2023001", "exam_type": "高级系统架构设计师"}""";

    private static int _next;

    public ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public async Task<int> EnterpriseAsync(string allowedNetworks = "", bool suspended = false)
    {
        var n = Interlocked.Increment(ref _next);
        await using var db = Db();
        var enterprise = new Enterprise
        {
            Name = $"测试企业{n}", CreditCode = string.Create(CultureInfo.InvariantCulture, $"91T{n:D15}"),
            ContactName = "联系人", ContactEmail = $"hr{n}@example.org", Purpose = "测试",
            AllowedNetworks = allowedNetworks, SuspendedAt = suspended ? portal.Clock.GetUtcNow() : null,
            CreatedAt = portal.Clock.GetUtcNow(),
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync();
        return enterprise.Id;
    }

    public async Task<(string Key, int Id)> KeyAsync(int enterpriseId, int perMinute = 0, int quota = 0,
        DateTimeOffset? revokedAt = null, DateTimeOffset? expiresAt = null)
    {
        var (key, prefix, hash) = ApiKeySecrets.NewKey();
        await using var db = Db();
        var row = new ApiKey
        {
            EnterpriseId = enterpriseId, Label = "test", Prefix = prefix, Hash = hash, RateLimitPerMinute = perMinute, DailyQuota = quota,
            CreatedAt = portal.Clock.GetUtcNow(), RevokedAt = revokedAt, ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync();
        return (key, row.Id);
    }

    public async Task<int> ConsentAsync(int enterpriseId, int candidateId, string employeeId, TimeSpan? lasts = null, string? fields = null,
        params string[] qualificationCodes)
    {
        await using var db = Db();
        var ids = await db.Qualifications.Where(q => qualificationCodes.Contains(q.Code)).Select(q => q.Id).ToListAsync();
        Assert.Equal(qualificationCodes.Length, ids.Count);
        var now = portal.Clock.GetUtcNow();
        var consent = new Consent
        {
            CandidateId = candidateId, EnterpriseId = enterpriseId, EmployeeId = EmployeeIds.Normalize(employeeId)!,
            Fields = fields ?? ConsentFields.AllText, GrantedAt = now, ExpiresAt = now + (lasts ?? TimeSpan.FromDays(365)),
        };
        consent.Qualifications.AddRange(ids.Select(id => new ConsentQualification { QualificationId = id }));
        db.Consents.Add(consent);
        await db.SaveChangesAsync();
        return consent.Id;
    }

    /// <summary>Revoked by the candidate, as the consent pages do: revoked and closed at once.</summary>
    public async Task RevokeConsentAsync(int consentId)
    {
        await using var db = Db();
        var now = portal.Clock.GetUtcNow();
        await db.Consents.Where(c => c.Id == consentId).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.ClosedAt, now));
    }

    /// <summary>The featured demo candidate 杨𠮷, who holds the S03 certificate.</summary>
    public async Task<int> DemoCandidateAsync()
    {
        var index = portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, DemoEnterprise.CandidateIdNumber);
        await using var db = Db();
        return await db.Candidates.Where(c => c.IdType == IdType.ResidentId && c.IdNumberIndex == index).Select(c => c.Id).SingleAsync();
    }

    public async Task<List<ApiAccess>> AccessRowsAsync(int keyId)
    {
        await using var db = Db();
        return await db.ApiAccessLog.AsNoTracking().Where(a => a.ApiKeyId == keyId).OrderBy(a => a.Id).ToListAsync();
    }

    public static string Body(string employeeId, string examType) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["employee_id"] = employeeId, ["exam_type"] = examType });

    public static async Task<ApiAnswer> PostAsync(HttpClient client, string? key, string body, string? peer = null, string? language = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (peer is not null) request.Headers.Add(TestPeerAddress.Header, peer);
        if (language is not null) request.Headers.Add("Accept-Language", language);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiAnswer(response.StatusCode, response, json);
    }
}
