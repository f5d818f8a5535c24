using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Demo;

/// <summary>
/// Fills an empty database with the catalog, three exam sessions relative to the clock (two published, one
/// scheduled) and a deterministic population of candidates with scores and certificates.
/// </summary>
public static partial class DemoDataSeeder
{
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string ImporterUserId = "seed-importer";
    private const string ApproverUserId = "seed-approver";

    public static async Task<DemoSeedResult> SeedAsync(
        ScorePortalDbContext db, BlindIndex index, DemoSeedOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);

        var started = time.GetTimestamp();
        var qualificationsFile = DemoCatalog.LoadQualifications();
        var plannedAt = time.GetUtcNow();
        var sessions = PlanSessions(plannedAt, qualificationsFile.Sittings);

        if (await db.Qualifications.AnyAsync(ct))
            return new DemoSeedResult(false, 0, 0, 0, 0, time.GetElapsedTime(started), DescribeFeatured(sessions, qualificationsFile));

        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return await db.InTransactionAsync(async (tx, ct) =>
            {
                // Planned afresh in every attempt: a retried attempt must not meet the failed one's entities.
                var sessions = PlanSessions(plannedAt, qualificationsFile.Sittings);

                // Catalog.
                var levels = DemoCatalog.Levels(qualificationsFile);
                db.QualificationLevels.AddRange(levels);
                await db.SaveChangesAsync(ct);
                var qualifications = DemoCatalog.Qualifications(qualificationsFile, levels.ToDictionary(l => l.Code));
                db.Qualifications.AddRange(qualifications);
                await db.SaveChangesAsync(ct);
                var qualificationsByCode = qualifications.ToDictionary(q => q.Code);
                var subjects = DemoCatalog.Subjects(qualificationsFile, qualificationsByCode);
                db.Subjects.AddRange(subjects);
                db.Provinces.AddRange(DemoCatalog.Provinces(DemoCatalog.LoadProvinces()));
                db.ExamSessions.AddRange(sessions.All);
                db.AppointmentSlots.AddRange(DemoSlots(time.GetUtcNow()));
                await db.SaveChangesAsync(ct);

                var catalog = new CatalogView(
                    qualificationsByCode,
                    subjects.GroupBy(s => s.QualificationId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.SortOrder).ToList()),
                    levels.ToDictionary(l => l.Id, l => l.Code));

                // Candidates: the featured ones first, so they get the first ticket numbers and certificate numbers.
                var rng = new Random(options.RandomSeed);
                var plans = PlanFeatured(sessions, catalog);
                var usedIds = plans.Select(p => p.Candidate.IdNumber).ToHashSet(StringComparer.Ordinal);
                for (var i = plans.Count; i < options.Candidates; i++)
                    plans.Add(PlanRandom(rng, sessions, catalog, usedIds));

                foreach (var plan in plans)
                {
                    var c = plan.Candidate;
                    c.IdNumberIndex = index.Compute(c.IdType, c.IdNumber);
                    c.CreatedAt = plan.Sittings.Min(s => s.RegisteredAt);
                }
                db.Candidates.AddRange(plans.Select(p => p.Candidate));
                await db.SaveChangesAsync(ct);

                // Registrations.
                var tickets = new TicketCounter();
                foreach (var plan in plans)
                {
                    foreach (var sitting in plan.Sittings)
                    {
                        sitting.Registration = new Registration
                        {
                            CandidateId = plan.Candidate.Id,
                            ExamSessionId = sitting.Session.Id,
                            QualificationId = sitting.Qualification.Id,
                            ProvinceCode = plan.Province,
                            TicketNumber = tickets.Next(sitting.Session, plan.Province),
                            RegisteredAt = sitting.RegisteredAt,
                        };
                    }
                }
                var registrations = plans.SelectMany(p => p.Sittings).Select(s => s.Registration!).ToList();
                db.Registrations.AddRange(registrations);
                await db.SaveChangesAsync(ct);

                // One published batch per released session, fingerprinted over its rows.
                var batches = new Dictionary<int, ResultBatch>();
                foreach (var session in sessions.Published)
                {
                    var sittings = plans.SelectMany(p => p.Sittings).Where(s => s.Session == session).ToList();
                    batches[session.Id] = BuildBatch(session, sittings, catalog);
                }
                db.ResultBatches.AddRange(batches.Values);
                await db.SaveChangesAsync(ct);

                var scores = new List<SubjectScore>();
                foreach (var sitting in plans.SelectMany(p => p.Sittings).Where(s => s.Results is not null))
                {
                    foreach (var r in sitting.Results!)
                    {
                        scores.Add(new SubjectScore
                        {
                            RegistrationId = sitting.Registration!.Id,
                            SubjectId = r.Subject.Id,
                            Score = r.Score,
                            Status = r.Status,
                            Version = 1,
                            ResultBatchId = batches[sitting.Session.Id].Id,
                            IsCurrent = true,
                        });
                    }
                }
                db.SubjectScores.AddRange(scores);
                await db.SaveChangesAsync(ct);

                // The fingerprint an approver would have confirmed: the import's, over the stored rows.
                foreach (var batch in batches.Values)
                {
                    var fingerprint = await BatchFingerprint.ComputeAsync(db, batch.Id, ct);
                    await db.ResultBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(u => u.SetProperty(b => b.Fingerprint, fingerprint), ct);
                }

                var outcomes = DecideOutcomes(plans, catalog);
                db.QualificationOutcomes.AddRange(outcomes);
                await db.SaveChangesAsync(ct);

                await tx.CommitAsync(ct);
                return new DemoSeedResult(true, plans.Count, registrations.Count, scores.Count, outcomes.Count,
                    time.GetElapsedTime(started), DescribeFeatured(sessions, qualificationsFile));
            }, ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    // ---------------------------------------------------------------- sessions

    internal sealed record SessionPlan(ExamSession Earlier, ExamSession Latest, ExamSession Scheduled)
    {
        public ExamSession[] All => [Earlier, Latest, Scheduled];
        public ExamSession[] Published => [Earlier, Latest];
        public ExamSession this[SessionSlot slot] => slot switch
        {
            SessionSlot.Earlier => Earlier,
            SessionSlot.Latest => Latest,
            _ => Scheduled,
        };
    }

    internal enum SessionSlot { Earlier, Latest, Scheduled }

    /// <summary>
    /// The scheduled session is the first whose release is still ahead; the two before it are published.
    /// H1 is sat on the first weekend from 23 May, H2 on the first weekend of November; results come out
    /// 45 days after the exam at 09:00 China time.
    /// </summary>
    internal static SessionPlan PlanSessions(DateTimeOffset now, IReadOnlyList<DemoCatalog.Sitting> sittings)
    {
        var year = now.ToOffset(ChinaOffset).Year - 2;
        var half = ExamHalf.H1;
        var history = new List<ExamSession>();
        while (true)
        {
            var session = NewSession(year, half, sittings);
            if (session.ReleaseAt > now)
            {
                var published = history.TakeLast(2).ToArray();
                foreach (var p in published) p.PublishedAt = p.ReleaseAt;
                // The review flow is clickable on any day: the latest session's window is held open two more weeks
                // from the demo's "now" (closing at 17:00 China time).
                var latest = published[1];
                var closes = ChinaTime(DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime).AddDays(14), 17);
                if (latest.ReviewClosesAt < closes) latest.ReviewClosesAt = closes;
                return new SessionPlan(published[0], published[1], session);
            }
            history.Add(session);
            (year, half) = half == ExamHalf.H1 ? (year, ExamHalf.H2) : (year + 1, ExamHalf.H1);
        }
    }

    private static ExamSession NewSession(int year, ExamHalf half, IReadOnlyList<DemoCatalog.Sitting> sittings)
    {
        var start = half == ExamHalf.H1 ? new DateOnly(year, 5, 23) : new DateOnly(year, 11, 1);
        while (start.DayOfWeek != DayOfWeek.Saturday) start = start.AddDays(1);
        var end = start.AddDays(1);
        var release = ChinaTime(end.AddDays(45), 9);
        var sitting = sittings.FirstOrDefault(s => s.Code == half.ToString());
        return new ExamSession
        {
            Code = ExamSession.CodeFor(year, half),
            Year = year,
            Half = half,
            NameZh = string.Create(Inv, $"{year}年{sitting?.Zh ?? half.ToString()}计算机技术与软件专业技术资格考试"),
            NameEn = string.Create(Inv, $"{year} {sitting?.En ?? half.ToString()} examination"),
            ExamStartDate = start,
            ExamEndDate = end,
            ReleaseAt = release,
            ReviewOpensAt = release,
            ReviewClosesAt = release.AddDays(14),
        };
    }

    /// <summary>On-site appointments for review originals in Shanghai (李娜's center) and Beijing: two days ahead, 9:00 and 14:00.</summary>
    private static IEnumerable<AppointmentSlot> DemoSlots(DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime);
        foreach (var province in new[] { "31", "11" })
        {
            for (var d = 2; d <= 3; d++)
            {
                yield return new AppointmentSlot { ProvinceCode = province, StartsAt = ChinaTime(day.AddDays(d), 9), Capacity = 20 };
                yield return new AppointmentSlot { ProvinceCode = province, StartsAt = ChinaTime(day.AddDays(d), 14), Capacity = 20 };
            }
        }
    }

    /// <summary>An instant given in China local time, stored in UTC.</summary>
    private static DateTimeOffset ChinaTime(DateOnly date, int hour, int minute = 0) =>
        new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute)), ChinaOffset).ToUniversalTime();

    // ---------------------------------------------------------------- planning

    private sealed record CatalogView(
        Dictionary<string, Qualification> Qualifications,
        Dictionary<int, List<Subject>> Subjects,
        Dictionary<int, string> LevelCodes)
    {
        public List<Subject> SubjectsOf(Qualification q) => Subjects[q.Id];
    }

    private sealed record SubjectResult(Subject Subject, decimal? Score, ScoreStatus Status)
    {
        public bool Passed => QualificationRule.IsPass(Status, Score, Subject.PassLine);
    }

    private sealed class SittingPlan(ExamSession session, Qualification qualification, DateTimeOffset registeredAt)
    {
        public ExamSession Session { get; } = session;
        public Qualification Qualification { get; } = qualification;
        public DateTimeOffset RegisteredAt { get; } = registeredAt;

        /// <summary>Null for a session whose results are not published.</summary>
        public List<SubjectResult>? Results { get; set; }

        public Registration? Registration { get; set; }
        public bool PassedAll => Results is { } r && r.All(x => x.Passed);
    }

    private sealed class CandidatePlan(Candidate candidate, string province)
    {
        public Candidate Candidate { get; } = candidate;
        public string Province { get; } = province;
        public List<SittingPlan> Sittings { get; } = [];
    }

    private sealed class TicketCounter
    {
        private readonly Dictionary<(string, string), int> _next = [];

        /// <summary>Session code, exam-center province and a sequence within both, e.g. 2026H1-11-000001.</summary>
        public string Next(ExamSession session, string province)
        {
            var key = (session.Code, province);
            var n = _next.GetValueOrDefault(key) + 1;
            _next[key] = n;
            return string.Create(Inv, $"{session.Code}-{province}-{n:D6}");
        }
    }

    // ---------------------------------------------------------------- batches and outcomes

    private static ResultBatch BuildBatch(ExamSession session, List<SittingPlan> sittings, CatalogView catalog)
    {
        // The file an exam office would upload (for its content hash) and the preview an approver would have seen.
        var lines = new List<string>();
        var summary = new BatchSummaryBuilder();
        foreach (var s in sittings)
        {
            var subjects = catalog.SubjectsOf(s.Qualification);
            var info = new ImportCatalog.QualificationInfo(s.Qualification.Id, s.Qualification.Code, subjects
                .Select((x, i) => new ImportCatalog.SubjectInfo(x.Id, x.Code, i, x.FullMarks, x.PassLine)).ToDictionary(x => x.Code));
            int sitting = 0, absent = 0, voided = 0, passed = 0;
            foreach (var r in s.Results!)
            {
                lines.Add(string.Create(Inv,
                    $"{s.Registration!.TicketNumber},{s.Qualification.Code},{r.Subject.Code},{r.Score?.ToString("0.0", Inv)},{r.Status}"));
                var bit = 1 << info.Subjects[r.Subject.Code].Bit;
                sitting |= bit;
                if (r.Status == ScoreStatus.Absent) absent |= bit;
                if (r.Status == ScoreStatus.Voided) voided |= bit;
                if (r.Passed) passed |= bit;
            }
            summary.Add(info, s.Registration!.ProvinceCode, sitting, absent, voided, passed);
        }
        var file = "ticket,qualification,subject,score,status\n" + string.Join('\n', lines) + "\n";
        return new ResultBatch
        {
            ExamSessionId = session.Id,
            Version = 1,
            FileName = $"{session.Code}-results-v1.csv",
            ContentSha256 = Sha256Hex(file),
            Fingerprint = new string('0', 64),
            Status = ResultBatchStatus.Published,
            RowCount = lines.Count,
            ErrorCount = 0,
            ImportedByUserId = ImporterUserId,
            ImportedAt = session.ReleaseAt.AddDays(-6),
            ApprovedByUserId = ApproverUserId,
            ApprovedAt = session.ReleaseAt.AddDays(-4),
            PublishedAt = session.ReleaseAt,
            SummaryJson = summary.Build(lines.Count, sittings.Select(x => x.Registration!.CandidateId).Distinct().Count()).ToJson(),
        };
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Who passed, decided by the same rule as publication (<see cref="QualificationRule"/>); certificate numbers
    /// count per release date in planning order, so the featured candidates get the first numbers.
    /// </summary>
    private static List<QualificationOutcome> DecideOutcomes(List<CandidatePlan> plans, CatalogView catalog)
    {
        var sequence = new Dictionary<int, int>();
        var outcomes = new List<QualificationOutcome>();
        foreach (var plan in plans)
        {
            foreach (var group in plan.Sittings.Where(s => s.Results is not null).GroupBy(s => s.Qualification))
            {
                var qualification = group.Key;
                var subjectIds = catalog.SubjectsOf(qualification).Select(s => s.Id).ToList();
                var sittings = group.Select(s => new QualificationSitting(s.Session.Id, s.Session.Year, s.Session.Half,
                    s.Results!.Where(r => r.Passed).Select(r => r.Subject.Id).ToList()));
                if (QualificationRule.PassedIn(subjectIds, qualification.ScoreValidityYears, sittings) is not { } sessionId) continue;

                var session = group.First(s => s.Session.Id == sessionId).Session;
                var n = sequence.GetValueOrDefault(session.Id) + 1;
                sequence[session.Id] = n;
                outcomes.Add(new QualificationOutcome
                {
                    CandidateId = plan.Candidate.Id,
                    QualificationId = qualification.Id,
                    PassedInSessionId = session.Id,
                    CertificateNumber = QualificationRule.CertificateNumber(session.ReleaseAt, n),
                    IssuedAt = session.ReleaseAt,
                });
            }
        }
        return outcomes;
    }
}
