using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// Reads everything held about one account and its linked candidate record (docs/data-copy.md lists each kind and
/// where it lives). Every query is keyed by the subject's own account id or candidate id, and only the subject's
/// columns are selected: who else acted (staff, experts, admins), other candidates of the same batch, and secrets
/// (password hash, tokens, message bodies with links) never enter the copy. Scores of a batch not yet released are
/// left out until their session's release time, as everywhere else in the portal.
/// </summary>
public sealed class DataCopyCollector(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Account actions of the audit log that a copy lists (the account's own sign-ins, verifications and changes).</summary>
    private const string AccountActionPrefix = "account.";

    public async Task<DataCopyContent> CollectAsync(DataCopy copy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var english = copy.Culture == LocalizationExtensions.EnglishCulture;
        string Name(string zh, string en) => english && en.Length > 0 ? en : zh;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        DataCopyAccount? account = null;
        if (copy.SubjectUserId is { } userId && await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct) is { } user)
        {
            var roles = await db.UserRoles.Where(r => r.UserId == userId)
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToListAsync(ct);
            account = new DataCopyAccount(user.Id, user.Email, user.EmailConfirmed, user.PhoneNumber, user.TwoFactorEnabled, user.CreatedAt, roles);
        }

        // The record: the one named by the copy, else the one linked to the account.
        Candidate? candidate = copy.SubjectCandidateId is { } candidateId
            ? await db.Candidates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == candidateId, ct)
            : copy.SubjectUserId is { } owner ? await db.Candidates.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == owner, ct) : null;

        DataCopyCandidate? identity = null;
        var registrations = new List<DataCopyRegistration>();
        var reports = new List<DataCopyReport>();
        var reviews = new List<DataCopyReview>();
        var consents = new List<DataCopyConsent>();
        var access = new List<DataCopyEnterpriseAccess>();
        if (candidate is not null)
        {
            identity = new DataCopyCandidate(candidate.Id, candidate.IdType.ToString(),
                copy.ForRequest ? ResultSheetBuilder.MaskIdNumber(candidate.IdNumber) : candidate.IdNumber, copy.ForRequest,
                candidate.Name, candidate.Email, candidate.CreatedAt, candidate.LinkedAt);
            var id = candidate.Id;

            var caseNumbers = await db.ReviewRequests.AsNoTracking().Where(r => r.CandidateId == id)
                .Select(r => new { r.Id, r.CaseNumber }).ToDictionaryAsync(r => r.Id, r => r.CaseNumber, ct);
            var regs = await db.Registrations.AsNoTracking().Where(r => r.CandidateId == id)
                .Include(r => r.ExamSession).Include(r => r.Qualification).Include(r => r.Province)
                .OrderBy(r => r.ExamSession.Year).ThenBy(r => r.ExamSession.Half).ToListAsync(ct);
            var regIds = regs.Select(r => r.Id).ToList();
            var scores = await db.SubjectScores.AsNoTracking().Where(s => regIds.Contains(s.RegistrationId))
                .Include(s => s.Subject).Include(s => s.ResultBatch).ToListAsync(ct);
            foreach (var reg in regs)
            {
                var session = reg.ExamSession;
                var released = session.IsReleased(now);
                var lines = scores
                    .Where(s => s.RegistrationId == reg.Id && released
                        && s.ResultBatch.Status is ResultBatchStatus.Published or ResultBatchStatus.Retracted)
                    .OrderBy(s => s.Subject.SortOrder).ThenBy(s => s.Version)
                    .Select(s => new DataCopyScore(s.Subject.Code, Name(s.Subject.NameZh, s.Subject.NameEn), s.Score, s.Status.ToString(),
                        s.Version, s.IsCurrent, s.SupersededAt, s.ResultBatchId, s.ResultBatch.Version, s.ResultBatch.Status.ToString(),
                        s.ResultBatch.PublishedAt, s.ReviewRequestId is { } r && caseNumbers.TryGetValue(r, out var n) ? n : null))
                    .ToList();
                registrations.Add(new DataCopyRegistration(reg.Id, session.Code, Name(session.NameZh, session.NameEn), reg.Qualification.Code,
                    Name(reg.Qualification.NameZh, reg.Qualification.NameEn), reg.ProvinceCode, Name(reg.Province.NameZh, reg.Province.NameEn),
                    reg.TicketNumber, reg.RegisteredAt, lines));
            }

            reports.AddRange((await db.ReportIssues.AsNoTracking().Where(r => r.CandidateId == id)
                    .Select(r => new { r.VerificationCode, r.RegistrationId, r.Culture, r.Status, r.IssuedAt, r.EndedAt, r.DownloadCount })
                    .ToListAsync(ct))
                .OrderBy(r => r.IssuedAt)
                .Select(r => new DataCopyReport(r.VerificationCode, r.RegistrationId, r.Culture, r.Status.ToString(), r.IssuedAt, r.EndedAt, r.DownloadCount)));

            var cases = await db.ReviewRequests.AsNoTracking().Where(r => r.CandidateId == id)
                .Include(r => r.Events).Include(r => r.Files).OrderBy(r => r.SubmittedAt).ToListAsync(ct);
            var subjectIds = cases.Select(c => c.SubjectId).Distinct().ToList();
            var subjects = await db.Subjects.AsNoTracking().Where(s => subjectIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
            foreach (var c in cases)
            {
                var subject = subjects[c.SubjectId];
                reviews.Add(new DataCopyReview(c.CaseNumber, c.RegistrationId, subject.Code, Name(subject.NameZh, subject.NameEn),
                    c.ReasonKind.ToString(), c.Reason, c.Delivery.ToString(), c.Status.ToString(), c.SubmittedAt, c.DueAt, c.ClosedAt,
                    c.OriginalScore, c.FinalScore, c.Changed,
                    [.. c.Files.OrderBy(f => f.UploadedAt).Select(f => new DataCopyReviewFile(f.Kind.ToString(), f.ContentType, f.Length, f.Pages, f.UploadedAt))],
                    [.. c.Events.OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => new DataCopyReviewStep(e.Status.ToString(), e.At, e.Message))]));
            }

            var grants = await db.Consents.AsNoTracking().Where(c => c.CandidateId == id)
                .Include(c => c.Enterprise).Include(c => c.Qualifications).ThenInclude(q => q.Qualification)
                .OrderBy(c => c.GrantedAt).ToListAsync(ct);
            consents.AddRange(grants.Select(c => new DataCopyConsent(c.Id, c.Enterprise.Name, c.EmployeeId, c.Fields,
                [.. c.Qualifications.Select(q => q.Qualification.Code + " " + Name(q.Qualification.NameZh, q.Qualification.NameEn)).Order(StringComparer.Ordinal)],
                c.GrantedAt, c.ExpiresAt, c.RevokedAt, c.ClosedAt)));

            var calls = await db.ApiAccessLog.AsNoTracking().Where(a => a.CandidateId == id).OrderBy(a => a.At).ToListAsync(ct);
            var enterpriseIds = calls.Select(a => a.EnterpriseId).Distinct().ToList();
            var enterprises = await db.Enterprises.AsNoTracking().Where(e => enterpriseIds.Contains(e.Id))
                .Select(e => new { e.Id, e.Name }).ToDictionaryAsync(e => e.Id, e => e.Name, ct);
            var qualificationIds = calls.Where(a => a.QualificationId is not null).Select(a => a.QualificationId!.Value).Distinct().ToList();
            var qualifications = await db.Qualifications.AsNoTracking().Where(q => qualificationIds.Contains(q.Id))
                .ToDictionaryAsync(q => q.Id, q => q.Code + " " + Name(q.NameZh, q.NameEn), ct);
            access.AddRange(calls.Select(a => new DataCopyEnterpriseAccess(a.At, enterprises.GetValueOrDefault(a.EnterpriseId, ""), a.EmployeeId, a.ConsentId,
                a.QualificationId is { } q ? qualifications.GetValueOrDefault(q) : null, a.Outcome, a.Fields)));
        }

        var credentials = new List<DataCopyCredential>();
        if (candidate is not null)
        {
            var issued = await db.IssuedCredentials.AsNoTracking().Where(c => c.CandidateId == candidate.Id).OrderBy(c => c.Id)
                .Select(c => new { c.CredentialId, c.QualificationOutcome.CertificateNumber, c.IssuedAt, c.Status, c.EndedAt, c.DownloadCount })
                .ToListAsync(ct);
            credentials.AddRange(issued.Select(c => new DataCopyCredential(c.CredentialId, c.CertificateNumber, c.IssuedAt, c.Status.ToString(),
                c.EndedAt, c.DownloadCount)));
        }

        var sessions = new List<DataCopySession>();
        var events = new List<DataCopyAccountEvent>();
        var shareLinks = new List<DataCopyShareLink>();
        if (account is not null)
        {
            // Loaded as entities: the note opens only when its row is materialized. The token stays out of the copy.
            var links = await db.ShareLinks.AsNoTracking().Where(l => l.UserId == account.Id).OrderBy(l => l.Id).ToListAsync(ct);
            var linkedReports = links.Select(l => l.ReportIssueId).Distinct().ToList();
            var codes = await db.ReportIssues.AsNoTracking().Where(r => linkedReports.Contains(r.Id))
                .ToDictionaryAsync(r => r.Id, r => r.VerificationCode, ct);
            shareLinks.AddRange(links.Select(l => new DataCopyShareLink(l.Id, codes.GetValueOrDefault(l.ReportIssueId, ""), l.Note, l.CreatedAt,
                l.ExpiresAt, l.RevokedAt, l.OpenCount, l.LastOpenedAt)));
            sessions.AddRange((await db.AccountSessions.AsNoTracking().Where(s => s.UserId == account.Id).OrderBy(s => s.CreatedAt).ToListAsync(ct))
                .Select(s => new DataCopySession(s.CreatedAt, s.LastSeenAt, s.Browser, s.System, s.Mobile, s.Network)));
            var entries = await db.AuditEntries.AsNoTracking()
                .Where(a => a.ActorUserId == account.Id && a.Action.StartsWith(AccountActionPrefix))
                .OrderBy(a => a.Sequence).Select(a => new { a.At, a.Action, a.DataJson }).ToListAsync(ct);
            events.AddRange(entries.Select(e => new DataCopyAccountEvent(e.At, e.Action, ResultOf(e.DataJson))));
        }

        return new DataCopyContent(DataCopyContent.CurrentFormat, copy.Id, now, copy.Culture, copy.ForRequest, account, identity,
            registrations, reports, reviews, consents, access, sessions, events, await NoticesAsync(db, account?.Email, candidate?.Email, ct), shareLinks, credentials);
    }

    /// <summary>
    /// The emails sent to the account's or the record's address. Payloads are sealed, so the email messages are opened
    /// one by one (the outbox keeps them <c>Retention:OutboxPayloadDays</c> after delivery); only the address, the
    /// subject and the times leave, never the body (links, codes).
    /// </summary>
    private static async Task<List<DataCopyNotice>> NoticesAsync(ScorePortalDbContext db, string? accountEmail, string? recordEmail, CancellationToken ct)
    {
        var notices = new List<DataCopyNotice>();
        if (accountEmail is null && recordEmail is null) return notices;
        await foreach (var message in db.OutboxMessages.AsNoTracking().Where(m => m.Kind == OutboxKinds.Email).OrderBy(m => m.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            EmailMessage? email;
            try
            {
                email = System.Text.Json.JsonSerializer.Deserialize<EmailMessage>(message.Payload, PayloadJson);
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }
            if (email is null || !(CandidateIdentity.SameEmail(email.To, accountEmail) || CandidateIdentity.SameEmail(email.To, recordEmail))) continue;
            notices.Add(new DataCopyNotice(message.CreatedAt, message.DeliveredAt, message.FailedAt, email.To, email.Subject));
        }
        return notices;
    }

    private static readonly System.Text.Json.JsonSerializerOptions PayloadJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static string? ResultOf(string dataJson)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(dataJson);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("result", out var result) && result.ValueKind == System.Text.Json.JsonValueKind.String
                ? result.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
