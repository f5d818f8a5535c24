using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>
/// Builds what an import leaves behind, straight through the DbContext: sessions far from the demo ones, fresh
/// candidates (blind index from the portal's own service), and staged batches (Validated, scores not current,
/// the next version per registration and subject).
/// </summary>
internal sealed class BatchTestData(DemoPortal portal)
{
    // Years and release dates no demo session and no other test uses, so certificate numbers never collide.
    private static int _nextYear = 2100;
    private static int _nextCandidate = 1;

    public ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public T Service<T>() where T : notnull => portal.Services.GetRequiredService<T>();

    /// <summary>A new exam year, for one test's sessions (H1 and H2 of it, and of the years after it, are free).</summary>
    public static int NewYear() => Interlocked.Add(ref _nextYear, 5);

    /// <summary>A session released (or to be released) at <paramref name="releaseAt"/>; unpublished.</summary>
    public async Task<ExamSession> SessionAsync(int year, ExamHalf half, DateTimeOffset releaseAt)
    {
        await using var db = Db();
        var session = new ExamSession
        {
            Code = ExamSession.CodeFor(year, half), Year = year, Half = half,
            NameZh = $"{year}年{half}测试考试", NameEn = $"{year} {half} test session",
            ExamStartDate = new DateOnly(year, half == ExamHalf.H1 ? 5 : 11, 10),
            ExamEndDate = new DateOnly(year, half == ExamHalf.H1 ? 5 : 11, 11),
            ReleaseAt = releaseAt, ReviewOpensAt = releaseAt, ReviewClosesAt = releaseAt.AddDays(14),
        };
        db.ExamSessions.Add(session);
        await db.SaveChangesAsync();
        await Service<SessionCatalog>().InvalidateAsync();
        return session;
    }

    /// <summary>
    /// A session released in the past on a date (China time) no other session has: years before the demo sessions.
    /// </summary>
    public Task<ExamSession> PastSessionAsync(int year, ExamHalf half) =>
        SessionAsync(year, half, portal.Clock.GetUtcNow().AddDays(-3000 - (year - 2100) * 2 - (int)half).AddHours(-1));

    public async Task<Qualification> QualificationAsync(string code)
    {
        await using var db = Db();
        return await db.Qualifications.AsNoTracking().Include(q => q.Subjects).SingleAsync(q => q.Code == code);
    }

    /// <summary>A catalog qualification of two subjects (pass line 45 of 75) with the given validity rule.</summary>
    public async Task<Qualification> NewQualificationAsync(int validityYears)
    {
        await using var db = Db();
        var code = "T" + Interlocked.Increment(ref _nextCandidate).ToString("D4", CultureInfo.InvariantCulture);
        var qualification = new Qualification
        {
            Code = code, LevelId = await db.QualificationLevels.Select(l => l.Id).FirstAsync(),
            NameZh = "测试资格" + code, NameEn = "Test qualification " + code, ScoreValidityYears = validityYears,
        };
        qualification.Subjects.Add(new Subject { Code = "JC", NameZh = "基础知识", NameEn = "Basics", FullMarks = 75, PassLine = 45, SortOrder = 1 });
        qualification.Subjects.Add(new Subject { Code = "YY", NameZh = "应用技术", NameEn = "Applied", FullMarks = 75, PassLine = 45, SortOrder = 2 });
        db.Qualifications.Add(qualification);
        await db.SaveChangesAsync();
        return await QualificationAsync(code);
    }

    /// <summary>A new candidate with a valid resident ID number.</summary>
    public async Task<Candidate> CandidateAsync(string name = "测试考生")
    {
        var n = Interlocked.Increment(ref _nextCandidate);
        var first17 = string.Create(CultureInfo.InvariantCulture, $"110199{new DateOnly(1970, 1, 1).AddDays(n * 7):yyyyMMdd}{n % 1000:D3}");
        var idNumber = first17 + ResidentIdNumber.ComputeCheckDigit(first17);
        await using var db = Db();
        var candidate = new Candidate
        {
            IdType = IdType.ResidentId, IdNumber = idNumber, Name = name,
            IdNumberIndex = Service<BlindIndex>().Compute(IdType.ResidentId, idNumber),
            CreatedAt = portal.Clock.GetUtcNow(),
        };
        db.Candidates.Add(candidate);
        await db.SaveChangesAsync();
        return candidate;
    }

    public async Task<Registration> RegisterAsync(Candidate candidate, ExamSession session, Qualification qualification)
    {
        await using var db = Db();
        var registration = new Registration
        {
            CandidateId = candidate.Id, ExamSessionId = session.Id, QualificationId = qualification.Id, ProvinceCode = "11",
            TicketNumber = string.Create(CultureInfo.InvariantCulture, $"{session.Code}-11-T{candidate.Id:D6}"),
            RegisteredAt = portal.Clock.GetUtcNow(),
        };
        db.Registrations.Add(registration);
        await db.SaveChangesAsync();
        return registration;
    }

    /// <summary>A row of a batch: "absent", "voided" or a score.</summary>
    public sealed record Row(int RegistrationId, int SubjectId, string Result);

    public static Row Result(Registration registration, Qualification qualification, string subjectCode, string result) =>
        new(registration.Id, qualification.Subjects.Single(s => s.Code == subjectCode).Id, result);

    /// <summary>What an import leaves: a Validated batch (next version of the session) with staged scores.</summary>
    public async Task<ResultBatch> StageAsync(ExamSession session, string importedByUserId, params Row[] rows)
    {
        await using var db = Db();
        var version = (await db.ResultBatches.Where(b => b.ExamSessionId == session.Id).MaxAsync(b => (int?)b.Version) ?? 0) + 1;
        var supersedes = await db.ResultBatches.Where(b => b.ExamSessionId == session.Id && b.Status == ResultBatchStatus.Published)
            .OrderByDescending(b => b.Version).Select(b => (int?)b.Id).FirstOrDefaultAsync();
        var content = session.Code + "\n" + string.Join('\n', rows.Select(r => $"{r.RegistrationId},{r.SubjectId},{r.Result}").Order(StringComparer.Ordinal));
        var batch = new ResultBatch
        {
            ExamSessionId = session.Id, Version = version, FileName = $"{session.Code}-v{version}.csv",
            ContentSha256 = Sha256(content + "file"), Fingerprint = Sha256(content),
            Status = ResultBatchStatus.Validated, RowCount = rows.Length,
            ImportedByUserId = importedByUserId, ImportedAt = portal.Clock.GetUtcNow(), SupersedesBatchId = supersedes,
        };
        db.ResultBatches.Add(batch);
        await db.SaveChangesAsync();

        foreach (var row in rows)
        {
            var previous = await db.SubjectScores.Where(s => s.RegistrationId == row.RegistrationId && s.SubjectId == row.SubjectId)
                .MaxAsync(s => (int?)s.Version) ?? 0;
            var (score, status) = row.Result switch
            {
                "absent" => ((decimal?)null, ScoreStatus.Absent),
                "voided" => (null, ScoreStatus.Voided),
                _ => (decimal.Parse(row.Result, CultureInfo.InvariantCulture), ScoreStatus.Normal),
            };
            db.SubjectScores.Add(new SubjectScore
            {
                RegistrationId = row.RegistrationId, SubjectId = row.SubjectId, Score = score, Status = status,
                Version = previous + 1, ResultBatchId = batch.Id, IsCurrent = false,
            });
        }
        await db.SaveChangesAsync();
        // As the import does: the fingerprint of what is stored.
        batch.Fingerprint = await BatchFingerprint.ComputeAsync(db, batch.Id, CancellationToken.None);
        await db.SaveChangesAsync();
        return batch;
    }

    /// <summary>Staged and approved by a second admin (ids only: the approval use case is tested on its own).</summary>
    public async Task<ResultBatch> ApprovedAsync(ExamSession session, params Row[] rows)
    {
        var batch = await StageAsync(session, Importer, rows);
        await using var db = Db();
        await db.ResultBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(set => set
            .SetProperty(b => b.Status, ResultBatchStatus.Approved)
            .SetProperty(b => b.ApprovedByUserId, Approver)
            .SetProperty(b => b.ApprovedAt, portal.Clock.GetUtcNow()));
        return await db.ResultBatches.AsNoTracking().SingleAsync(b => b.Id == batch.Id);
    }

    /// <summary>Staged, approved and published now (by the approver).</summary>
    public async Task<BatchActionResult> PublishedAsync(ExamSession session, params Row[] rows)
    {
        var batch = await ApprovedAsync(session, rows);
        var result = await PublishAsync(batch.Id);
        Assert.True(result.Succeeded, result.ErrorKey);
        return result;
    }

    public async Task<BatchActionResult> PublishAsync(int batchId)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PublishBatch>().HandleAsync(new PublishBatchRequest(batchId, Approver));
    }

    public async Task<BatchActionResult> RetractAsync(int batchId, string reason = "Wrong marks for one exam room")
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RetractBatch>().HandleAsync(new RetractBatchRequest(batchId, Approver, reason));
    }

    public const string Importer = "test-importer";
    public const string Approver = "test-approver";

    public async Task<string> UserIdAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    public async Task<List<QualificationOutcome>> OutcomesAsync(int candidateId)
    {
        await using var db = Db();
        return await db.QualificationOutcomes.AsNoTracking().Where(o => o.CandidateId == candidateId).OrderBy(o => o.Id).ToListAsync();
    }

    public async Task<ResultBatch> BatchAsync(int id)
    {
        await using var db = Db();
        return await db.ResultBatches.AsNoTracking().SingleAsync(b => b.Id == id);
    }

    public async Task<ExamSession> ReloadAsync(ExamSession session)
    {
        await using var db = Db();
        return await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id);
    }

    public async Task<List<SubjectScore>> ScoresAsync(int registrationId)
    {
        await using var db = Db();
        return await db.SubjectScores.AsNoTracking().Where(s => s.RegistrationId == registrationId)
            .OrderBy(s => s.SubjectId).ThenBy(s => s.Version).ToListAsync();
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
