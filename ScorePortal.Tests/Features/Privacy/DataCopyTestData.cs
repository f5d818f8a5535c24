using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Privacy;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>What a fully used candidate left in the portal, and a second candidate of the same batches who must not show.</summary>
internal sealed record UsedCandidate(int CandidateId, string Name, string IdNumber, string StaffUserId, string ExpertUserId,
    string OtherName, string OtherIdNumber, string OtherScore, string OtherEmployeeId, string OtherSubject, string Secret, string NoticeSubject);

/// <summary>Rows of every kind a copy holds, written straight into a demo portal's database for one account.</summary>
internal static class DataCopyTestData
{
    /// <summary>
    /// A new record linked to <paramref name="userId"/> (record email <paramref name="email"/>) in a released demo session:
    /// scores in two published batch versions, an issued report, a review case with its timeline, a consent with an
    /// enterprise access, a notice; and a second candidate in the same batches with his own score, access and notice.
    /// </summary>
    public static async Task<UsedCandidate> CreateAsync(PortalFactory portal, string userId, string email)
    {
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var now = DateTimeOffset.UtcNow;
        var index = portal.Services.GetRequiredService<BlindIndex>();
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScorePortalDbContext>();
        var staff = await db.Users.Where(u => u.Email == "staff.beijing@scoreportal.demo").Select(u => u.Id).SingleAsync();
        var expert = await db.Users.Where(u => u.Email == "expert@scoreportal.demo").Select(u => u.Id).SingleAsync();

        var sessions = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync();
        var session = sessions.Where(s => s.ReleaseAt <= now).OrderByDescending(s => s.ReleaseAt).First();
        var sample = await db.Registrations.AsNoTracking().FirstAsync(r => r.ExamSessionId == session.Id);
        var subject = await db.Subjects.AsNoTracking().Where(s => s.QualificationId == sample.QualificationId).OrderBy(s => s.SortOrder).FirstAsync();
        var version = await db.ResultBatches.Where(b => b.ExamSessionId == session.Id).MaxAsync(b => (int?)b.Version) ?? 0;
        ResultBatch Batch(int v) => new()
        {
            ExamSessionId = session.Id, Version = v, FileName = $"privacy-{tag}-{v}.csv", ContentSha256 = new string('a', 64), Fingerprint = new string('b', 64),
            Status = ResultBatchStatus.Published, RowCount = 2, ImportedByUserId = staff, ImportedAt = now, PublishedAt = now, SummaryJson = "{}",
        };
        var first = Batch(version + 1);
        var second = Batch(version + 2);
        db.ResultBatches.AddRange(first, second);

        var name = "欧阳" + "测试" + tag[..2];
        var idNumber = "PA" + tag;
        var otherName = "司马" + "另人" + tag[2..4];
        var otherId = "PB" + tag;
        var candidate = new Candidate
        {
            IdType = IdType.Passport, IdNumber = idNumber, IdNumberIndex = index.Compute(IdType.Passport, idNumber), Name = name, Email = email,
            UserId = userId, LinkedAt = now, CreatedAt = now,
        };
        var other = new Candidate
        {
            IdType = IdType.Passport, IdNumber = otherId, IdNumberIndex = index.Compute(IdType.Passport, otherId), Name = otherName,
            Email = $"other-{tag}@example.org", CreatedAt = now,
        };
        var registration = new Registration
        {
            Candidate = candidate, ExamSessionId = session.Id, QualificationId = sample.QualificationId, ProvinceCode = sample.ProvinceCode,
            TicketNumber = "T" + tag + "1", RegisteredAt = now,
        };
        var otherRegistration = new Registration
        {
            Candidate = other, ExamSessionId = session.Id, QualificationId = sample.QualificationId, ProvinceCode = sample.ProvinceCode,
            TicketNumber = "T" + tag + "2", RegisteredAt = now,
        };
        db.AddRange(candidate, other, registration, otherRegistration);
        var v1 = new SubjectScore { Registration = registration, SubjectId = subject.Id, Score = 41.5m, Version = 1, ResultBatch = first, IsCurrent = false, SupersededAt = now };
        var v2 = new SubjectScore { Registration = registration, SubjectId = subject.Id, Score = 43.5m, Version = 2, ResultBatch = second, IsCurrent = true };
        var otherScore = new SubjectScore { Registration = otherRegistration, SubjectId = subject.Id, Score = 71.25m, Version = 1, ResultBatch = first };
        db.AddRange(v1, v2, otherScore);
        await db.SaveChangesAsync();

        db.ReportIssues.Add(new ReportIssue
        {
            CandidateId = candidate.Id, RegistrationId = registration.Id, Culture = "zh-CN", RecordVersion = new string('c', 64),
            VerificationCode = ("R" + tag + "000000000000")[..20], FileSha256 = new string('d', 64), EncryptedFile = [1], EncryptedSnapshot = [2],
            Status = ReportStatus.Valid, IssuedAt = now, DownloadCount = 2,
        });
        var review = new ReviewRequest
        {
            CaseNumber = "RV" + tag, CandidateId = candidate.Id, RegistrationId = registration.Id, SubjectId = subject.Id, ExamSessionId = session.Id,
            QualificationId = sample.QualificationId, SubjectScoreId = v2.Id, ProvinceCode = sample.ProvinceCode, ReasonKind = ReviewReason.NearPassLine,
            Reason = "差两分及格，申请复核", Delivery = ReviewDelivery.OnlineOnly, Culture = "zh-CN", Status = ReviewStatus.Accepted, SubmittedAt = now.AddDays(-2),
            DueAt = now.AddDays(18), OriginalScore = 43.5m, AssignedStaffUserId = staff,
        };
        review.Events.Add(new ReviewEvent { Status = ReviewStatus.Submitted, At = now.AddDays(-2), ActorUserId = userId });
        review.Events.Add(new ReviewEvent { Status = ReviewStatus.Accepted, At = now.AddDays(-1), Message = "材料齐全，已受理", ActorUserId = staff });
        review.ExpertMarks.Add(new ExpertMark { ExpertUserId = expert, AssignedAt = now, Score = 44m, Comment = "expert-comment-" + tag });
        db.ReviewRequests.Add(review);

        var enterprise = new Enterprise
        {
            Name = "隐私测试科技有限公司" + tag, CreditCode = ("91" + tag + "0000000000")[..18], ContactName = "联系人" + tag, ContactEmail = $"hr-{tag}@example.org",
            Purpose = "入职核验", AllowedNetworks = "", CreatedAt = now,
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync();
        var consent = new Consent
        {
            CandidateId = candidate.Id, EnterpriseId = enterprise.Id, EmployeeId = "E-" + tag, Fields = "scores", GrantedAt = now, ExpiresAt = now.AddDays(365),
        };
        consent.Qualifications.Add(new ConsentQualification { QualificationId = sample.QualificationId });
        db.Consents.Add(consent);
        await db.SaveChangesAsync();
        db.ApiAccessLog.Add(new ApiAccess
        {
            At = now, EnterpriseId = enterprise.Id, ApiKeyId = 1, EmployeeId = "E-" + tag, ConsentId = consent.Id, CandidateId = candidate.Id,
            QualificationId = sample.QualificationId, Outcome = "ok", Fields = "scores",
        });
        db.ApiAccessLog.Add(new ApiAccess
        {
            At = now, EnterpriseId = enterprise.Id, ApiKeyId = 1, EmployeeId = "X-" + tag, CandidateId = other.Id, Outcome = "ok", Fields = "scores",
        });
        var secret = "secret-link-" + tag;
        var noticeSubject = "隐私通知 " + tag;
        db.EnqueueEmail(new EmailMessage(email, noticeSubject, "Open https://portal.example/confirm?token=" + secret));
        db.EnqueueEmail(new EmailMessage(other.Email!, "other-subject-" + tag, "for the other person"));
        await db.SaveChangesAsync();

        return new UsedCandidate(candidate.Id, name, idNumber, staff, expert, otherName, otherId, "71.25", "X-" + tag, "other-subject-" + tag, secret, noticeSubject);
    }

    /// <summary>The copy <paramref name="requesterId"/> asked for last.</summary>
    public static async Task<DataCopy?> LatestAsync(PortalFactory portal, string requesterId)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.DataCopies.AsNoTracking().Where(c => c.RequestedByUserId == requesterId).OrderByDescending(c => c.Id).FirstOrDefaultAsync();
    }

    /// <summary>
    /// Prepares the copy now (the worker may hold it already: then its claim is waited out by asking again until the
    /// row says it is done; no fixed sleep decides anything).
    /// </summary>
    public static async Task<DataCopy> PreparedAsync(PortalFactory portal, int copyId)
    {
        var preparer = portal.Services.GetRequiredService<DataCopyPreparer>();
        for (var i = 0; i < 600; i++)
        {
            await preparer.PrepareAsync(copyId);
            await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
            var copy = await db.DataCopies.AsNoTracking().SingleAsync(c => c.Id == copyId);
            if (copy.Status != DataCopyStatus.Preparing) return copy;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Data copy {copyId.ToString(CultureInfo.InvariantCulture)} was never prepared.");
    }
}
