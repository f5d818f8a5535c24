using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reports;

/// <param name="VerifyBaseUrl">Absolute base of the public verification page, e.g. https://portal.example/verify.</param>
public sealed record IssueReportRequest(string UserId, int RegistrationId, string? Culture, string VerifyBaseUrl, string? SourceIp);

public abstract record IssueReportOutcome
{
    /// <summary>Not the signed-in candidate's registration, or not released: the same answer as a wrong id.</summary>
    public sealed record NotFound : IssueReportOutcome;

    /// <summary>A resource key (a name no font can draw, no scores yet).</summary>
    public sealed record Refused(string MessageKey) : IssueReportOutcome;

    public sealed record Issued(int ReportId, string VerificationCode, byte[] Pdf, bool Reused) : IssueReportOutcome
    {
        public string FileName => $"score-report-{VerificationCode}.pdf";
    }
}

/// <summary>
/// Issues the signed score report of one of the candidate's own released sessions, or hands back the one already
/// issued for the same figures and language (one report per record version and language while it stays valid).
/// Every issue is in the register: code, record version, SHA-256 of the file, and the file and figures sealed.
/// </summary>
public sealed class IssueReport(IDbContextFactory<ScorePortalDbContext> dbFactory, MyRecord myRecord, ScoreReportRenderer renderer,
    ReportVault vault, AuditLog audit, TimeProvider time, ILogger<IssueReport> logger)
{
    // A double-clicked download arrives twice at once: both must find one report, not issue two. Striped per
    // registration; another instance may still issue a twin, which is harmless (both are valid and registered).
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IssueReportOutcome> HandleAsync(IssueReportRequest request, CancellationToken ct = default)
    {
        var stripe = _stripes[(uint)request.RegistrationId % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        try
        {
            return await IssueOrReuseAsync(request, ct);
        }
        finally
        {
            stripe.Release();
        }
    }

    private async Task<IssueReportOutcome> IssueOrReuseAsync(IssueReportRequest request, CancellationToken ct)
    {
        var culture = request.Culture == LocalizationExtensions.EnglishCulture ? LocalizationExtensions.EnglishCulture : LocalizationExtensions.DefaultCulture;
        var record = await myRecord.LoadAsync(request.UserId, ct);
        var session = record?.Sessions.FirstOrDefault(s => s.RegistrationId == request.RegistrationId);
        if (record is null || session is null) return new IssueReportOutcome.NotFound();
        if (session.Sheet is not { } sheet) return new IssueReportOutcome.Refused("Report.Error.NoScores");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await db.Provinces.AsNoTracking().Where(p => p.Code == session.ProvinceCode)
            .Select(p => new { p.NameZh, p.NameEn }).FirstAsync(ct);
        var figures = Content(sheet, culture, culture == LocalizationExtensions.EnglishCulture ? province.NameEn : province.NameZh,
            issuedAt: default, code: "", verifyUrl: "");
        var version = RecordVersion(figures);

        var existing = await db.ReportIssues
            .Where(r => r.RegistrationId == request.RegistrationId && r.CandidateId == record.CandidateId
                        && r.RecordVersion == version && r.Culture == culture && r.Status == ReportStatus.Valid)
            .OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.VerificationCode, r.EncryptedFile })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            await db.ReportIssues.Where(r => r.Id == existing.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.DownloadCount, r => r.DownloadCount + 1), ct);
            await AuditAsync(AuditActions.ReportDownload, request, existing.Id, culture);
            return new IssueReportOutcome.Issued(existing.Id, existing.VerificationCode, vault.OpenFile(existing.EncryptedFile, existing.VerificationCode), Reused: true);
        }

        if (renderer.FirstUndrawable(sheet.Name) is not null)
        {
            // Boxes instead of a name would make a document nobody can trust; the exam center issues it by hand.
            await AuditAsync(AuditActions.ReportIssue, request, null, culture, "name-undrawable");
            return new IssueReportOutcome.Refused("Report.Error.NameUndrawable");
        }

        var code = VerificationCode.New();
        var issuedAt = time.GetUtcNow();
        var content = figures with
        {
            IssuedAt = issuedAt,
            VerificationCode = VerificationCode.Grouped(code),
            VerifyUrl = request.VerifyBaseUrl.TrimEnd('/') + "/" + code,
        };
        var pdf = renderer.Render(content);
        var fileSha256 = Convert.ToHexStringLower(SHA256.HashData(pdf));
        var encryptedFile = vault.SealFile(pdf, code);
        var encryptedSnapshot = vault.SealSnapshot(content with { VerificationCode = code });
        // Through the execution strategy with a check: when a transient fault hid whether the insert committed (its
        // acknowledgement lost), the new code is looked for first. A plain save would be retried and meet the unique
        // index of its own row: an error page for a report that was issued.
        AuditIntent? intent = null;
        var issueId = await db.InTransactionAsync(async (tx, ct) =>
        {
            intent = null;
            var issue = new ReportIssue
            {
                CandidateId = record.CandidateId,
                RegistrationId = request.RegistrationId,
                Culture = culture,
                RecordVersion = version,
                VerificationCode = code,
                FileSha256 = fileSha256,
                EncryptedFile = encryptedFile,
                EncryptedSnapshot = encryptedSnapshot,
                Status = ReportStatus.Valid,
                IssuedAt = issuedAt,
                DownloadCount = 1,
            };
            db.ReportIssues.Add(issue);
            await db.SaveChangesAsync(ct);
            // The audit entry is promised in the same commit (AuditIntent): never a registered report without its entry.
            intent = audit.Intend(db, Record(AuditActions.ReportIssue, request, issue.Id, culture));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return issue.Id;
        }, async ct =>
            await db.ReportIssues.AsNoTracking().Where(r => r.VerificationCode == code).Select(r => (int?)r.Id).FirstOrDefaultAsync(ct) is { } id
                ? DatabaseTransactions.Committed(id)
                : DatabaseTransactions.NotCommitted<int>(), ct);
        logger.LogInformation("Report {ReportId} issued for registration {RegistrationId}", issueId, request.RegistrationId);
        // Like a lookup's entry, through the writer's group commit without waiting for it (after a lost commit
        // acknowledgement the attempt's intent is still the committed one; none only if no attempt got that far).
        if (intent is not null) await audit.QueueIntentAsync(intent, CancellationToken.None);
        return new IssueReportOutcome.Issued(issueId, code, pdf, Reused: false);
    }

    /// <summary>The figures of a result sheet in one language; time, code and link are set per issue.</summary>
    internal static ScoreReportContent Content(ResultSheet sheet, string culture, string provinceName, DateTimeOffset issuedAt, string code, string verifyUrl)
    {
        var en = culture == LocalizationExtensions.EnglishCulture;
        string Pick(string zh, string english) => en && english.Length > 0 ? english : zh;
        return new ScoreReportContent(
            culture, sheet.Name, sheet.MaskedIdNumber,
            Pick(sheet.SessionNameZh, sheet.SessionNameEn),
            Pick(sheet.QualificationNameZh, sheet.QualificationNameEn),
            Pick(sheet.LevelNameZh, sheet.LevelNameEn),
            provinceName, sheet.TicketNumber,
            [.. sheet.Subjects.Select(s => new ScoreReportSubject(Pick(s.NameZh, s.NameEn), s.Score, s.FullMarks, s.PassLine, s.Status switch
            {
                ScoreStatus.Absent => ReportSubjectResult.Absent,
                ScoreStatus.Voided => ReportSubjectResult.Voided,
                _ => s.Passed ? ReportSubjectResult.Passed : ReportSubjectResult.Failed,
            }))],
            sheet.QualificationPassed, sheet.CertificateNumber,
            [.. sheet.ValidPasses.Select(p => new ScoreReportCarriedPass(Pick(p.SubjectNameZh, p.SubjectNameEn), Pick(p.PassedInNameZh, p.PassedInNameEn),
                p.Score, p.ValidThroughYear))],
            issuedAt, code, verifyUrl);
    }

    /// <summary>SHA-256 over the figures as they would print (time, code and link left out): equal figures, equal version.</summary>
    internal static string RecordVersion(ScoreReportContent figures) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(
            figures with { IssuedAt = default, VerificationCode = "", VerifyUrl = "" }))));

    private static AuditRecord Record(string action, IssueReportRequest request, int? reportId, string culture, string? refusal = null)
    {
        var data = new Dictionary<string, string?> { ["culture"] = culture, ["registrationId"] = request.RegistrationId.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (refusal is not null) data["refused"] = refusal;
        return new AuditRecord(action, ActorUserId: request.UserId, ActorRole: Roles.Candidate,
            TargetType: reportId is null ? "registration" : "report",
            TargetId: (reportId ?? request.RegistrationId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            SourceIp: request.SourceIp, Data: data);
    }

    // Like a lookup's entry, through the writer's group commit without waiting for it.
    private Task AuditAsync(string action, IssueReportRequest request, int? reportId, string culture, string? refusal = null) =>
        audit.WriteAsync(Record(action, request, reportId, culture, refusal), CancellationToken.None).AsTask();
}
