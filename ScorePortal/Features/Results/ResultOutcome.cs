using ScorePortal.Model;

namespace ScorePortal.Features.Results;

/// <summary>What a lookup answers. Every way of not matching (no candidate, wrong name, not registered) is <see cref="NotFound"/>.</summary>
public abstract record ResultOutcome
{
    /// <summary>Resource keys said at the form: input to fix, or why the lookup was refused (captcha, limits).</summary>
    public IReadOnlyList<string> FormMessageKeys => this switch
    {
        Invalid invalid => invalid.ErrorKeys,
        Refused refused => [refused.MessageKey],
        _ => [],
    };

    /// <summary>Whether the answer belongs below the form (found, not found, not released, no scores).</summary>
    public bool ShownBelowForm => this is not (Invalid or Refused);

    /// <summary>Input to fix; each entry is a resource key (zh-CN and en-US).</summary>
    public sealed record Invalid(IReadOnlyList<string> ErrorKeys) : ResultOutcome;

    /// <summary>
    /// Refused before the query (captcha, rate limit, lockout); a resource key, and when the refusal is a per-address
    /// limit or block, how long the visitor waits (the key's text takes the seconds as {0}).
    /// </summary>
    public sealed record Refused(string MessageKey, TimeSpan? RetryAfter = null) : ResultOutcome;

    public sealed record NotFound : ResultOutcome;

    public sealed record NotReleased(string SessionNameZh, string SessionNameEn, DateTimeOffset ReleaseAt) : ResultOutcome;

    /// <summary>Registered and matched, but the session's results hold no score for the candidate.</summary>
    public sealed record NoScores(string SessionNameZh, string SessionNameEn, ExamCenterContact Center) : ResultOutcome;

    public sealed record Found(ResultSheet Sheet) : ResultOutcome;
}

public sealed record ExamCenterContact(string NameZh, string NameEn, string? Phone, string? Email, string? Address, string? Website);

public sealed record ResultSheet(
    string Name,
    string MaskedIdNumber,
    string SessionNameZh, string SessionNameEn,
    string QualificationNameZh, string QualificationNameEn,
    string LevelNameZh, string LevelNameEn,
    string TicketNumber,
    IReadOnlyList<SubjectLine> Subjects,
    IReadOnlyList<CarriedPass> ValidPasses,
    string? CertificateNumber,
    int ScoreValidityYears)
{
    public bool QualificationPassed => CertificateNumber is not null;
}

public sealed record SubjectLine(string NameZh, string NameEn, decimal? Score, ScoreStatus Status, decimal FullMarks, decimal PassLine, bool Passed);

/// <summary>A subject passed within the validity window, and the last exam year whose sittings it still counts for.</summary>
public sealed record CarriedPass(string SubjectNameZh, string SubjectNameEn, string PassedInNameZh, string PassedInNameEn, int ValidThroughYear, decimal Score)
{
    /// <summary>The code of the session the subject was passed in (2025H2), for machines (the enterprise API).</summary>
    public string PassedInSessionCode { get; init; } = "";
}
