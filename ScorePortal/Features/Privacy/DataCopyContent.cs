namespace ScorePortal.Features.Privacy;

// The JSON document of a copy (format "scoreportal.data-copy/1", documented field by field in docs/data-copy.md).
// Records only, serialized with web defaults (camelCase); a field is added at the end, never renamed, and a change
// that breaks a reader gets a new format number.

/// <summary>Everything held about one account and its linked candidate record, and nothing of anyone else.</summary>
public sealed record DataCopyContent(
    string Format,
    int CopyId,
    DateTimeOffset PreparedAt,
    string Culture,
    bool ForRequest,
    DataCopyAccount? Account,
    DataCopyCandidate? Candidate,
    IReadOnlyList<DataCopyRegistration> Registrations,
    IReadOnlyList<DataCopyReport> Reports,
    IReadOnlyList<DataCopyReview> Reviews,
    IReadOnlyList<DataCopyConsent> Consents,
    IReadOnlyList<DataCopyEnterpriseAccess> EnterpriseAccess,
    IReadOnlyList<DataCopySession> SignInSessions,
    IReadOnlyList<DataCopyAccountEvent> AccountEvents,
    IReadOnlyList<DataCopyNotice> Notices,
    IReadOnlyList<DataCopyShareLink> ShareLinks,
    IReadOnlyList<DataCopyCredential> Credentials)
{
    public const string CurrentFormat = "scoreportal.data-copy/1";
}

public sealed record DataCopyAccount(string Id, string? Email, bool EmailConfirmed, string? PhoneNumber, bool TwoFactorEnabled,
    DateTimeOffset CreatedAt, IReadOnlyList<string> Roles);

/// <param name="IdNumberMasked">True in a copy an admin prepared for a paper request (docs/data-copy.md).</param>
public sealed record DataCopyCandidate(int Id, string IdType, string IdNumber, bool IdNumberMasked, string Name, string? Email,
    DateTimeOffset CreatedAt, DateTimeOffset? LinkedAt);

public sealed record DataCopyRegistration(int Id, string SessionCode, string SessionName, string QualificationCode, string QualificationName,
    string ProvinceCode, string ProvinceName, string TicketNumber, DateTimeOffset RegisteredAt, IReadOnlyList<DataCopyScore> Scores);

/// <summary>One version of one subject's score, with the result batch (and its version) that brought it.</summary>
public sealed record DataCopyScore(string SubjectCode, string SubjectName, decimal? Score, string Status, int Version, bool IsCurrent,
    DateTimeOffset? SupersededAt, int BatchId, int BatchVersion, string BatchStatus, DateTimeOffset? BatchPublishedAt, string? ReviewCaseNumber);

public sealed record DataCopyReport(string VerificationCode, int RegistrationId, string Culture, string Status, DateTimeOffset IssuedAt,
    DateTimeOffset? EndedAt, int DownloadCount);

public sealed record DataCopyReview(string CaseNumber, int RegistrationId, string SubjectCode, string SubjectName, string ReasonKind, string Reason,
    string Delivery, string Status, DateTimeOffset SubmittedAt, DateTimeOffset DueAt, DateTimeOffset? ClosedAt, decimal OriginalScore,
    decimal? FinalScore, bool? Changed, IReadOnlyList<DataCopyReviewFile> Files, IReadOnlyList<DataCopyReviewStep> Timeline);

public sealed record DataCopyReviewFile(string Kind, string ContentType, long Length, int Pages, DateTimeOffset UploadedAt);

/// <summary>A step of a review case: its status, when, and the message the candidate was sent (who acted is left out).</summary>
public sealed record DataCopyReviewStep(string Status, DateTimeOffset At, string? Message);

public sealed record DataCopyConsent(int Id, string Enterprise, string EmployeeId, string Fields, IReadOnlyList<string> Qualifications,
    DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? ClosedAt);

public sealed record DataCopyEnterpriseAccess(DateTimeOffset At, string Enterprise, string? EmployeeId, int? ConsentId, string? Qualification,
    string Outcome, string Fields);

public sealed record DataCopySession(DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string Browser, string System, bool Mobile, string? Network);

/// <summary>An entry of the audit log this account made itself (sign-ins, sign-outs, verifications, changes): the action and its result only.</summary>
public sealed record DataCopyAccountEvent(DateTimeOffset At, string Action, string? Result);

/// <summary>A message sent to this person: when, to which address, its subject; never its body (links and codes).</summary>
public sealed record DataCopyNotice(DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, DateTimeOffset? FailedAt, string To, string Subject);

/// <summary>
/// A share link the account made (docs/share-links.md): which report's certificate, the note, its times and how often it
/// was opened. Never the token: the copy is a record, not a way to open the link.
/// </summary>
public sealed record DataCopyShareLink(int Id, string ReportVerificationCode, string Note, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, int OpenCount, DateTimeOffset? LastOpenedAt);

/// <summary>
/// A verifiable credential handed out for one of the person's certificates (docs/credentials.md): its id, the
/// certificate, when it was issued and ended, its status and downloads. Not the signed credential itself: the holder
/// downloads that at /me/credentials.
/// </summary>
public sealed record DataCopyCredential(Guid CredentialId, string CertificateNumber, DateTimeOffset IssuedAt, string Status,
    DateTimeOffset? EndedAt, int DownloadCount);
