namespace ScorePortal.Features.Reports;

/// <summary>
/// Everything a score report (成绩单) prints, as issued: the register keeps an encrypted snapshot of it, the PDF is
/// drawn from it, and <c>/verify</c> shows it back. Texts are already in the report's language
/// (<see cref="Culture"/>); the renderer adds only its own labels.
/// </summary>
public sealed record ScoreReportContent(
    string Culture,
    string CandidateName,
    string MaskedIdNumber,
    string SessionName,
    string QualificationName,
    string LevelName,
    string ProvinceName,
    string TicketNumber,
    IReadOnlyList<ScoreReportSubject> Subjects,
    bool QualificationPassed,
    string? CertificateNumber,
    IReadOnlyList<ScoreReportCarriedPass> CarriedOver,
    DateTimeOffset IssuedAt,
    string VerificationCode,
    string VerifyUrl);

public enum ReportSubjectResult
{
    Passed,
    Failed,
    Absent,
    Voided,
}

/// <param name="Score">Null when absent or voided.</param>
public sealed record ScoreReportSubject(string Name, decimal? Score, decimal FullMarks, decimal PassLine, ReportSubjectResult Result);

/// <summary>A subject passed in an earlier session that still counts towards this qualification, through the exam year given.</summary>
public sealed record ScoreReportCarriedPass(string SubjectName, string PassedInSessionName, decimal Score, int ValidThroughYear);
