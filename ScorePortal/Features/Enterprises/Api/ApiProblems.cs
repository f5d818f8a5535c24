using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ScorePortal.Localization;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>One refusal of the API: its stable code (what a client program branches on) and its HTTP status.</summary>
public sealed record ApiProblem(string Code, int Status)
{
    /// <summary>The resource keys of the localized title and detail (<c>EnterpriseApi.Problem.&lt;code&gt;.Title|Detail</c>).</summary>
    public string TitleKey => "EnterpriseApi.Problem." + Code + ".Title";

    public string DetailKey => "EnterpriseApi.Problem." + Code + ".Detail";
}

/// <summary>
/// Every problem the API answers (RFC 9457, <c>application/problem+json</c>), with the stable <c>code</c> extension and a
/// title and detail in the caller's language. None says whether a person exists: <see cref="UnknownEmployee"/> means
/// only that this enterprise holds no consent under that id, which an employee of another enterprise, a person who never
/// consented and a person the portal does not know all get alike. docs/enterprise-api.md lists them.
/// </summary>
public static class ApiProblems
{
    public static readonly ApiProblem InvalidRequest = new("invalid_request", StatusCodes.Status400BadRequest);

    /// <summary>The body is over <see cref="GetExamResult.MaxBodyBytes"/>: the same code, status 413.</summary>
    public static readonly ApiProblem BodyTooLarge = new("invalid_request", StatusCodes.Status413PayloadTooLarge);

    public static readonly ApiProblem InvalidKey = new("invalid_key", StatusCodes.Status401Unauthorized);
    public static readonly ApiProblem AddressNotAllowed = new("address_not_allowed", StatusCodes.Status403Forbidden);
    public static readonly ApiProblem RateLimited = new("rate_limited", StatusCodes.Status429TooManyRequests);
    public static readonly ApiProblem QuotaExhausted = new("quota_exhausted", StatusCodes.Status429TooManyRequests);
    public static readonly ApiProblem UnknownExamType = new("unknown_exam_type", StatusCodes.Status422UnprocessableEntity);
    public static readonly ApiProblem UnknownEmployee = new("unknown_employee", StatusCodes.Status404NotFound);
    public static readonly ApiProblem NoConsent = new("no_consent", StatusCodes.Status403Forbidden);
    public static readonly ApiProblem ConsentExpired = new("consent_expired", StatusCodes.Status403Forbidden);
    public static readonly ApiProblem NoResult = new("no_result", StatusCodes.Status404NotFound);

    public static readonly IReadOnlyList<ApiProblem> All =
    [
        InvalidRequest, InvalidKey, AddressNotAllowed, RateLimited, QuotaExhausted, UnknownExamType, UnknownEmployee, NoConsent,
        ConsentExpired, NoResult,
    ];

    public const string ProblemTypePrefix = "https://scoreportal.invalid/api/problems/";

    /// <summary>
    /// The problem in the current UI culture, with the response headers it needs: <c>WWW-Authenticate</c> for
    /// <c>invalid_key</c>, <c>Retry-After</c> (whole seconds, at least 1) for the limits.
    /// </summary>
    public static JsonHttpResult<ApiProblemBody> Result(HttpContext context, CachedTexts texts, ApiProblem problem, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(problem);
        var headers = context.Response.Headers;
        if (problem == InvalidKey) headers.WWWAuthenticate = "Bearer";
        if (retryAfter is { } wait)
            headers.RetryAfter = RetryAfterSeconds(wait).ToString(CultureInfo.InvariantCulture);
        headers.CacheControl = "no-store";
        var body = new ApiProblemBody(ProblemTypePrefix + problem.Code, texts[problem.TitleKey], problem.Status, texts[problem.DetailKey],
            problem.Code, System.Diagnostics.Activity.Current?.Id ?? context.TraceIdentifier);
        return TypedResults.Json(body, EnterpriseApiJson.Api.ApiProblemBody, ProblemContentType, problem.Status);
    }

    public const string ProblemContentType = "application/problem+json";

    /// <summary>Whole seconds, at least 1, rounded up from whole milliseconds (a window's extra tick is not a second).</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(Math.Floor(wait.TotalMilliseconds) / 1000));
}
