using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Limits;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>
/// <c>POST /api/v1/exam/result</c>: one consenting employee's result in one qualification, for the enterprise whose key
/// calls. In this order, each step answering its problem (docs/enterprise-api.md):
/// <list type="number">
/// <item>the key (<c>Authorization: Bearer spk_…</c>, found by its SHA-256; revoked, rotated out after its overlap or of a
/// suspended enterprise: <c>invalid_key</c>; requests without a usable key are counted per address,
/// <see cref="EnterpriseApiOptions.InvalidKeyAttemptsPerAddressPerMinute"/>);</item>
/// <item>the enterprise's allow-list, on the client address the portal trusts (<see cref="TrustedProxies"/>);</item>
/// <item>the key's per-minute limit and daily quota (China Standard Time days), in the limits store;</item>
/// <item>the body: JSON of at most <see cref="MaxBodyBytes"/>, exactly <c>employee_id</c> and <c>exam_type</c>;</item>
/// <item>the qualification the <c>exam_type</c> names (<see cref="ExamTypes"/>);</item>
/// <item>this enterprise's consent under that employee id, read afresh on every call (a revocation holds at once);</item>
/// <item>the results, through the results read model (<see cref="ResultQuery"/>, <see cref="ResultSheetBuilder"/>).</item>
/// </list>
/// Every call that identified a key leaves an <see cref="ApiAccess"/> row, committed before the answer leaves, and an
/// audit entry without personal data.
/// </summary>
public sealed class GetExamResult(
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    ILimitsStore limits,
    ExamTypes examTypes,
    ResultQuery results,
    ResultCatalog catalog,
    SessionCatalog sessions,
    ApiAccessLog accessLog,
    AuditLog audit,
    CachedTexts texts,
    TimeProvider time,
    IOptionsMonitor<EnterpriseApiOptions> options)
{
    /// <summary>The largest body accepted; a request is two short strings.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    public const string Success = "success";

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>One consenting employee's result in one qualification.</summary>
    public static Task<Results<JsonHttpResult<ExamResultResponse>, JsonHttpResult<ApiProblemBody>>> HandleAsync(
        HttpContext context, [FromServices] GetExamResult useCase) => useCase.RunAsync(context);

    private sealed record KeyRow(int Id, int EnterpriseId, DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt, int RateLimitPerMinute,
        int DailyQuota, DateTimeOffset? SuspendedAt, string AllowedNetworks);

    private sealed record ConsentRow(int Id, int CandidateId, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? ClosedAt,
        string Fields, bool Covers, IdType IdType, byte[] IdNumberIndex);

    private static readonly Func<ScorePortalDbContext, byte[], Task<KeyRow?>> KeyByHash = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, byte[] hash) => db.ApiKeys.AsNoTracking()
            .Where(k => k.Hash == hash)
            .Select(k => new KeyRow(k.Id, k.EnterpriseId, k.RevokedAt, k.ExpiresAt, k.RateLimitPerMinute, k.DailyQuota,
                k.Enterprise.SuspendedAt, k.Enterprise.AllowedNetworks))
            .FirstOrDefault());

    // The open consent (at most one per enterprise and employee id), else the one closed last: revoked or expired.
    private static readonly Func<ScorePortalDbContext, int, string, int, Task<ConsentRow?>> ConsentOf = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int enterpriseId, string employeeId, int qualificationId) => db.Consents.AsNoTracking()
            .Where(c => c.EnterpriseId == enterpriseId && c.EmployeeId == employeeId)
            .OrderBy(c => c.ClosedAt == null ? 0 : 1).ThenByDescending(c => c.ClosedAt).ThenByDescending(c => c.Id)
            .Select(c => new ConsentRow(c.Id, c.CandidateId, c.ExpiresAt, c.RevokedAt, c.ClosedAt, c.Fields,
                c.Qualifications.Any(q => q.QualificationId == qualificationId), c.Candidate.IdType, c.Candidate.IdNumberIndex))
            .FirstOrDefault());

    internal async Task<Results<JsonHttpResult<ExamResultResponse>, JsonHttpResult<ApiProblemBody>>> RunAsync(HttpContext context)
    {
        using var culture = CultureScope.Use(ApiLanguage.Of(context.Request));
        var ct = context.RequestAborted;
        var now = time.GetUtcNow();
        var address = context.Connection.RemoteIpAddress;
        var addressKey = ClientAddress.LimitKey(address) ?? "";
        var o = options.CurrentValue;

        // 1. The key. Nothing is looked up for a value that cannot be a key, nor for an address over its budget of
        // requests without a usable key (an unauthenticated flood costs no database work).
        var presented = BearerOf(context.Request);
        var badKeys = "api:bad-key:" + addressKey;
        if (o.InvalidKeyAttemptsPerAddressPerMinute > 0
            && await limits.HitsAsync(badKeys, TimeSpan.FromMinutes(1)) >= o.InvalidKeyAttemptsPerAddressPerMinute)
            return await RefuseUnidentifiedAsync(context, badKeys, o);
        if (!ApiKeySecrets.LooksLikeKey(presented)) return await RefuseUnidentifiedAsync(context, badKeys, o);
        KeyRow? key;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            key = await KeyByHash(db, ApiKeySecrets.Hash(presented!));
        if (key is null) return await RefuseUnidentifiedAsync(context, badKeys, o);

        var access = new ApiAccess { At = now, EnterpriseId = key.EnterpriseId, ApiKeyId = key.Id };
        if (!new ApiKey { RevokedAt = key.RevokedAt, ExpiresAt = key.ExpiresAt }.IsUsable(now) || key.SuspendedAt is not null)
        {
            await limits.HitAsync(badKeys, TimeSpan.FromMinutes(1));
            return await RefuseAsync(context, access, ApiProblems.InvalidKey, touchKey: false, addressKey);
        }
        var touchKey = await limits.TryLockAsync("api:key-used:" + key.Id.ToString(CultureInfo.InvariantCulture), o.LastUsedResolution);

        // 2. The allow-list: an unknown client address passes an empty list only.
        if (address is null ? !string.IsNullOrWhiteSpace(key.AllowedNetworks) : !AllowedNetworks.Contains(key.AllowedNetworks, address))
            return await RefuseAsync(context, access, ApiProblems.AddressNotAllowed, touchKey, addressKey);

        // 3. The key's limits; 0 = none. The minute is sliding; the day is China's calendar day.
        var keyId = key.Id.ToString(CultureInfo.InvariantCulture);
        if (key.RateLimitPerMinute > 0
            && await limits.HitAsync("api:key:" + keyId + ":minute", TimeSpan.FromMinutes(1), key.RateLimitPerMinute) is { Counted: false } hit)
            return await RefuseAsync(context, access, ApiProblems.RateLimited, touchKey, addressKey, hit.RetryAfter);
        if (key.DailyQuota > 0)
        {
            var china = now.ToOffset(ChinaOffset);
            var midnight = new DateTimeOffset(china.Date.AddDays(1), ChinaOffset);
            var day = "api:key:" + keyId + ":day:" + china.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            if (await limits.IncrementAsync(day, midnight - now) > key.DailyQuota)
                return await RefuseAsync(context, access, ApiProblems.QuotaExhausted, touchKey, addressKey, midnight - now);
        }

        // 4. The body.
        var (request, bodyProblem) = await ReadAsync(context.Request, ct);
        if (bodyProblem is not null) return await RefuseAsync(context, access, bodyProblem, touchKey, addressKey);
        var employeeId = EmployeeIds.Normalize(request!.EmployeeId);
        var examTypeText = request.ExamType?.Trim();
        if (employeeId is null || string.IsNullOrEmpty(examTypeText) || examTypeText.Length > ExamTypes.MaxLength)
            return await RefuseAsync(context, access, ApiProblems.InvalidRequest, touchKey, addressKey);
        access.EmployeeId = employeeId;

        // 5. The qualification.
        if (await examTypes.FindAsync(examTypeText, ct) is not { } examType)
            return await RefuseAsync(context, access, ApiProblems.UnknownExamType, touchKey, addressKey);
        access.QualificationId = examType.QualificationId;

        // 6. The consent, never cached. Whatever its state, the candidate sees the call in "who looked at my results".
        ConsentRow? consent;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            consent = await ConsentOf(db, key.EnterpriseId, employeeId, examType.QualificationId);
        if (consent is null) return await RefuseAsync(context, access, ApiProblems.UnknownEmployee, touchKey, addressKey);
        access.ConsentId = consent.Id;
        access.CandidateId = consent.CandidateId;
        if (consent.RevokedAt is not null) return await RefuseAsync(context, access, ApiProblems.NoConsent, touchKey, addressKey);
        if (consent.ClosedAt is not null || now >= consent.ExpiresAt)
            return await RefuseAsync(context, access, ApiProblems.ConsentExpired, touchKey, addressKey);
        // The answer is one whole: a consent that does not cover the qualification, or every field of it, allows none.
        if (!consent.Covers || !CoversEveryField(consent.Fields))
            return await RefuseAsync(context, access, ApiProblems.NoConsent, touchKey, addressKey);

        // 7. The results.
        var data = await BuildAsync(consent, examType, now, ct);
        if (data is null) return await RefuseAsync(context, access, ApiProblems.NoResult, touchKey, addressKey);

        access.Outcome = Success;
        access.Fields = ConsentFields.AllText;
        await RecordAsync(access, touchKey, addressKey, examType.Code);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(new ExamResultResponse(Success, data), EnterpriseApiJson.Api.ExamResultResponse);
    }

    /// <summary>A request without a usable key: counted against its address; 401, or 429 once the address is over its budget.</summary>
    private async Task<JsonHttpResult<ApiProblemBody>> RefuseUnidentifiedAsync(HttpContext context, string badKeys, EnterpriseApiOptions o)
    {
        if (o.InvalidKeyAttemptsPerAddressPerMinute > 0
            && await limits.HitAsync(badKeys, TimeSpan.FromMinutes(1), o.InvalidKeyAttemptsPerAddressPerMinute) is { Counted: false } refused)
            return ApiProblems.Result(context, texts, ApiProblems.RateLimited, refused.RetryAfter);
        return ApiProblems.Result(context, texts, ApiProblems.InvalidKey);
    }

    private async Task<JsonHttpResult<ApiProblemBody>> RefuseAsync(HttpContext context, ApiAccess access, ApiProblem problem, bool touchKey,
        string addressKey, TimeSpan? retryAfter = null)
    {
        access.Outcome = problem.Code;
        access.Fields = "";
        await RecordAsync(access, touchKey, addressKey, null);
        return ApiProblems.Result(context, texts, problem, retryAfter);
    }

    /// <summary>
    /// The access row, durably (the answer waits for its commit), and one audit entry: ids and the outcome only, the
    /// address as the audit log's keyed hash. The access row is the record "who looked at my results" reads; the audit
    /// entry puts the call into the hash chain with every other query of a person's results.
    /// </summary>
    private async Task RecordAsync(ApiAccess access, bool touchKey, string addressKey, string? qualificationCode)
    {
        await accessLog.WriteDurableAsync(access, touchKey);
        await audit.WriteAsync(new AuditRecord(AuditActions.EnterpriseApiCall, ActorRole: "enterprise-api",
            TargetType: nameof(Enterprise), TargetId: access.EnterpriseId.ToString(CultureInfo.InvariantCulture), SourceIp: addressKey,
            Data: new Dictionary<string, string?>
            {
                ["key"] = access.ApiKeyId.ToString(CultureInfo.InvariantCulture),
                ["outcome"] = access.Outcome,
                ["consent"] = access.ConsentId?.ToString(CultureInfo.InvariantCulture),
                ["qualification"] = qualificationCode,
            }));
    }

    private static bool CoversEveryField(string fields)
    {
        foreach (var field in ConsentFields.All)
        {
            var found = false;
            foreach (var range in fields.AsSpan().Split(','))
            {
                if (fields.AsSpan()[range].Trim().SequenceEqual(field)) { found = true; break; }
            }
            if (!found) return false;
        }
        return true;
    }

    /// <summary>The key after <c>Bearer </c> (scheme case-insensitive), or null.</summary>
    internal static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1) return null;
        var value = header[0].AsSpan().Trim();
        const string scheme = "Bearer ";
        return value.Length > scheme.Length && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? value[scheme.Length..].Trim().ToString()
            : null;
    }

    /// <summary>The body as a request, or the problem it is: too large (413), not JSON, malformed, an unknown or repeated member.</summary>
    private static async Task<(ExamResultRequest? Request, ApiProblem? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return (null, ApiProblems.BodyTooLarge);
        if (!IsJson(request.ContentType)) return (null, ApiProblems.InvalidRequest);
        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        if (read > MaxBodyBytes) return (null, ApiProblems.BodyTooLarge);
        try
        {
            var parsed = JsonSerializer.Deserialize(buffer.AsSpan(0, read), EnterpriseApiJson.Api.ExamResultRequest);
            return parsed is null ? (null, ApiProblems.InvalidRequest) : (parsed, null);
        }
        catch (JsonException)
        {
            return (null, ApiProblems.InvalidRequest);
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The answer's data from the candidate's released sittings of the qualification, or null when none of them holds a
    /// score. Which sitting answers, and what <c>score</c> is, in docs/enterprise-api.md ("score").
    /// </summary>
    private async Task<ExamResultData?> BuildAsync(ConsentRow consent, ExamType examType, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await results.ByIdNumberAsync(consent.IdType, consent.IdNumberIndex, ct);
        var all = await sessions.AllAsync(ct);
        var released = new List<(ResultRow Registration, SessionInfo Session)>();
        foreach (var row in rows)
        {
            if (row.QualificationId != examType.QualificationId || released.Exists(r => r.Registration.RegistrationId == row.RegistrationId)) continue;
            if (all.FirstOrDefault(s => s.Id == row.SessionId) is { } session && session.IsReleased(now)) released.Add((row, session));
        }
        if (released.Count == 0) return null;
        released.Sort((a, b) => b.Session.ReleaseAt.CompareTo(a.Session.ReleaseAt));

        var english = CultureInfo.CurrentUICulture.IsEnglish();
        var history = new List<ExamSitting>(released.Count);
        ResultSheet? latest = null;
        SessionInfo? latestSession = null;
        ResultSheet? passSheet = null;
        SessionInfo? passSession = null;
        foreach (var (registration, session) in released)
        {
            var outcome = await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
            var sheet = (outcome as ResultOutcome.Found)?.Sheet;
            history.Add(new ExamSitting(SessionRef(session, english),
                sheet is null ? [] : [.. sheet.Subjects.Select(s => new ExamSittingSubject(Pick(s.NameZh, s.NameEn, english), s.Score, StatusOf(s.Status), s.Passed))]));
            if (sheet is null) continue;
            if (latest is null) (latest, latestSession) = (sheet, session);
            // A certificate counts once the session it was earned in is released (a published session before its release
            // time tells nobody).
            if (registration.CertificateSessionId == session.Id && sheet.CertificateNumber is not null) (passSheet, passSession) = (sheet, session);
        }
        if (latest is null) return null;

        List<ExamSubjectResult> subjects;
        ResultSheet answer;
        SessionInfo answerSession;
        if (passSheet is not null)
        {
            (answer, answerSession) = (passSheet, passSession!);
            // The passes that make the qualification: the latest pass of each subject within the validity window (the
            // sheet's carried passes); a one-sitting qualification (validity 1) has none, and its sitting's subjects are them.
            subjects = passSheet.ValidPasses.Count > 0
                ? [.. passSheet.ValidPasses.Select(p => new ExamSubjectResult(Pick(p.SubjectNameZh, p.SubjectNameEn, english), p.Score,
                    StatusOf(ScoreStatus.Normal), true, p.PassedInSessionCode is { Length: > 0 } code ? code : passSession!.Code))]
                : [.. passSheet.Subjects.Select(s => new ExamSubjectResult(Pick(s.NameZh, s.NameEn, english), s.Score, StatusOf(s.Status), s.Passed, passSession!.Code))];
        }
        else
        {
            (answer, answerSession) = (latest, latestSession!);
            subjects = [.. latest.Subjects.Select(s => new ExamSubjectResult(Pick(s.NameZh, s.NameEn, english), s.Score, StatusOf(s.Status), s.Passed, latestSession!.Code))];
        }

        decimal? score = null;
        foreach (var s in subjects)
            if (s.Score is { } value && (score is null || value < score)) score = value;

        return new ExamResultData(score, passSheet is not null, passSheet?.CertificateNumber, CandidateIdentity.MaskName(answer.Name),
            SessionRef(answerSession, english), new ExamLevelRef(examType.LevelCode, Pick(answer.LevelNameZh, answer.LevelNameEn, english)),
            subjects, history);
    }

    private static ExamSessionRef SessionRef(SessionInfo session, bool english) => new(session.Code, Pick(session.NameZh, session.NameEn, english));

    private static string Pick(string zh, string en, bool english) => english && !string.IsNullOrEmpty(en) ? en : zh;

    internal static string StatusOf(ScoreStatus status) => status switch
    {
        ScoreStatus.Absent => "absent",
        ScoreStatus.Voided => "voided",
        _ => "normal",
    };
}

/// <summary>
/// The API's language, from <c>Accept-Language</c> (the portal's pages deliberately ignore it; a program has no cookie):
/// the first of zh and en by quality, Chinese when neither is named.
/// </summary>
public static class ApiLanguage
{
    public static CultureInfo Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.AcceptLanguage;
        if (header.Count == 0) return CultureScope.Resolve(LocalizationExtensions.DefaultCulture);
        if (!Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(header, out var values))
            return CultureScope.Resolve(LocalizationExtensions.DefaultCulture);
        foreach (var value in values.Where(v => (v.Quality ?? 1) > 0).OrderByDescending(v => v.Quality ?? 1))
        {
            var tag = value.Value.AsSpan();
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return CultureScope.Resolve(LocalizationExtensions.EnglishCulture);
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return CultureScope.Resolve(LocalizationExtensions.DefaultCulture);
        }
        return CultureScope.Resolve(LocalizationExtensions.DefaultCulture);
    }
}
