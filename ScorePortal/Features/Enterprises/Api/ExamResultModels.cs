using System.ComponentModel;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>
/// The body of <c>POST /api/v1/exam/result</c>: one employee, one qualification. No other member is accepted. Both are
/// required; a missing one reads as null here (the endpoint answers <c>invalid_request</c>).
/// </summary>
/// <param name="EmployeeId">The enterprise's number for the employee, as the employee gave it when consenting (case, width and surrounding spaces do not matter).</param>
/// <param name="ExamType">The qualification: its code (<c>S03</c>), its name (<c>系统架构设计师</c>, <c>System Architecture Designer</c>) or level and name (<c>高级系统架构设计师</c>).</param>
public sealed record ExamResultRequest(
    [property: JsonPropertyName("employee_id"), Description("The enterprise's number for the employee, as given when consenting (case, width and surrounding spaces do not matter).")]
    string EmployeeId,
    [property: JsonPropertyName("exam_type"), Description("The qualification: its code (S03), its name (系统架构设计师 / System Architecture Designer) or level and name (高级系统架构设计师).")]
    string ExamType);

/// <summary>The answer when results are disclosed: <c>{"status": "success", "data": {…}}</c>.</summary>
public sealed record ExamResultResponse(
    [property: JsonPropertyName("status"), Description("Always \"success\".")] string Status,
    [property: JsonPropertyName("data")] ExamResultData Data);

/// <summary>The employee's result in the qualification asked for (docs/enterprise-api.md, "What the fields mean").</summary>
public sealed record ExamResultData(
    [property: JsonPropertyName("score"), Description("The lowest score among `subjects`: when passed, the weakest of the subject passes that make the qualification; otherwise the weakest subject of the latest released sitting (absent or voided subjects have no score and are skipped). Null when none of those subjects has a score.")]
    decimal? Score,
    [property: JsonPropertyName("pass"), Description("Whether the qualification is passed (a certificate was issued in a released session).")]
    bool Pass,
    [property: JsonPropertyName("cert_no"), Description("The certificate number (RK + release date yyyyMMdd + 6 digits); null when not passed.")]
    string? CertNo,
    [property: JsonPropertyName("name_masked"), Description("The candidate's name, first character kept (张*).")]
    string NameMasked,
    [property: JsonPropertyName("session"), Description("When passed, the session the qualification was passed in; otherwise the latest released sitting.")]
    ExamSessionRef Session,
    [property: JsonPropertyName("level")]
    ExamLevelRef Level,
    [property: JsonPropertyName("subjects"), Description("When passed, the subject passes that make the qualification (each with the session it was passed in); otherwise the subjects of the latest released sitting.")]
    IReadOnlyList<ExamSubjectResult> Subjects,
    [property: JsonPropertyName("history"), Description("Every released sitting of the qualification, newest first, each with its subjects (历年成绩记录).")]
    IReadOnlyList<ExamSitting> History);

public sealed record ExamSessionRef(
    [property: JsonPropertyName("code"), Description("Session code, e.g. 2026H1.")] string Code,
    [property: JsonPropertyName("name")] string Name);

public sealed record ExamLevelRef(
    [property: JsonPropertyName("code"), Description("junior, intermediate or senior.")] string Code,
    [property: JsonPropertyName("name")] string Name);

public sealed record ExamSubjectResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("score"), Description("Null when absent or voided.")] decimal? Score,
    [property: JsonPropertyName("status"), Description("normal, absent (缺考) or voided (违纪).")] string Status,
    [property: JsonPropertyName("pass")] bool Pass,
    [property: JsonPropertyName("session"), Description("The code of the session this result is from.")] string Session);

public sealed record ExamSitting(
    [property: JsonPropertyName("session")] ExamSessionRef Session,
    [property: JsonPropertyName("subjects"), Description("Empty when the released results hold no score for the sitting.")] IReadOnlyList<ExamSittingSubject> Subjects);

public sealed record ExamSittingSubject(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("score")] decimal? Score,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("pass")] bool Pass);

/// <summary>An RFC 9457 problem with the API's stable <c>code</c> (application/problem+json).</summary>
public sealed record ApiProblemBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("code"), Description("Stable: invalid_request, invalid_key, address_not_allowed, rate_limited, quota_exhausted, unknown_exam_type, unknown_employee, no_consent, consent_expired, no_result.")]
    string Code,
    [property: JsonPropertyName("traceId")] string TraceId);

/// <summary>
/// The API's JSON: requests are read strictly (no unknown or repeated member, no comments or trailing commas, exact
/// member names); answers keep Chinese text readable (not \u-escaped; HTML-sensitive characters still are).
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ExamResultRequest))]
[JsonSerializable(typeof(ExamResultResponse))]
[JsonSerializable(typeof(ApiProblemBody))]
public sealed partial class EnterpriseApiJson : JsonSerializerContext
{
    /// <summary>The context the API reads and writes with.</summary>
    public static EnterpriseApiJson Api { get; } = new(new JsonSerializerOptions
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    });
}
