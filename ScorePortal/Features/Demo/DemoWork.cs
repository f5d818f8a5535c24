using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Features.Demo;

/// <summary>
/// Work waiting for every demo role on a first start (README, "A short tour"), made by the portal's own use cases so
/// that every row, file, timeline step, email and audit entry is what the real flow leaves behind:
/// <list type="bullet">
/// <item><c>candidate@scoreportal.demo</c> is linked to 李娜's record (2026H1-style latest session: released scores,
/// review window open);</item>
/// <item><c>certified@scoreportal.demo</c> is linked to 张伟's record (passed, certificate issued: share links and
/// verifiable credentials have something to show);</item>
/// <item>her review of 基础知识 is submitted and waits in Shanghai staff's queue;</item>
/// <item>her review of 应用技术 (41, four marks below the pass line) was accepted by Shanghai staff, whose answer
/// script went to the three experts of other provinces: one re-mark each waits;</item>
/// <item>a result batch of the scheduled session, imported by <c>admin@</c>, waits for a second admin's approval
/// (<c>admin2@</c>: the two-person rule).</item>
/// </list>
/// Runs once the host has started its services (the audit writer must be running: every use case audits) and before
/// the portal serves. Idempotent: each step looks for what it would make and carries on from where an interrupted
/// start stopped; a step whose starting point a person has changed (the record linked elsewhere, a batch already
/// imported) is left alone.
/// </summary>
internal sealed class DemoWork(IServiceProvider services, IOptions<DemoOptions> options, IHostEnvironment environment, ILogger<DemoWork> logger)
    : IHostedService
{
    public const string CandidateEmail = "candidate@scoreportal.demo";
    public const string StaffEmail = "staff.shanghai@scoreportal.demo";
    public const string ImporterEmail = "admin@scoreportal.demo";

    /// <summary>李娜 (DemoDataSeeder, "Failed one subject"): Shanghai, M02, 基础知识 51 and 应用技术 41.</summary>
    public const string RecordIdNumber = "31010419880615478X";

    public const string CertifiedEmail = "certified@scoreportal.demo";

    /// <summary>张伟 (DemoDataSeeder, "Common name, passed"): M01 passed, certificate issued.</summary>
    public const string CertifiedIdNumber = "110105199003072311";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Seed || !o.Work || !environment.IsDevelopmentOrTesting()) return;
        await using var scope = services.CreateAsyncScope();
        await EnsureAsync(scope.ServiceProvider, logger, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static async Task EnsureAsync(IServiceProvider sp, ILogger logger, CancellationToken ct)
    {
        var users = sp.GetRequiredService<UserManager<ApplicationUser>>();
        var candidate = await users.FindByEmailAsync(CandidateEmail);
        var staff = await users.FindByEmailAsync(StaffEmail);
        var importer = await users.FindByEmailAsync(ImporterEmail);
        if (candidate is null || staff is null || importer is null) return;

        var dbFactory = sp.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        if (await LinkAsync(dbFactory, sp.GetRequiredService<BlindIndex>(), RecordIdNumber, candidate.Id, sp.GetRequiredService<TimeProvider>(), ct) is { } registration)
            await ReviewsAsync(sp, dbFactory, registration, candidate.Id, staff.Id, logger, ct);
        if (await users.FindByEmailAsync(CertifiedEmail) is { } certified)
            await LinkAsync(dbFactory, sp.GetRequiredService<BlindIndex>(), CertifiedIdNumber, certified.Id, sp.GetRequiredService<TimeProvider>(), ct);
        await BatchAsync(sp, dbFactory, importer.Id, logger, ct);
    }

    /// <summary>
    /// Links the demo record of <paramref name="idNumber"/> to a demo candidate account; returns its latest released
    /// registration whose review window is open, or null when the record is someone else's.
    /// </summary>
    private static async Task<int?> LinkAsync(IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex index, string idNumber, string userId,
        TimeProvider time, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var indexValue = index.Compute(IdType.ResidentId, CandidateIdentity.NormalizeIdNumber(IdType.ResidentId, idNumber));
        var record = await db.Candidates.AsNoTracking().Where(c => c.IdType == IdType.ResidentId && c.IdNumberIndex == indexValue)
            .Select(c => new { c.Id, c.UserId }).FirstOrDefaultAsync(ct);
        if (record is null) return null;
        if (record.UserId is null)
        {
            // The account may hold one record only: one the demo candidate linked by hand stays theirs.
            if (await db.Candidates.AnyAsync(c => c.UserId == userId, ct)) return null;
            await db.Candidates.Where(c => c.Id == record.Id && c.UserId == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.UserId, userId).SetProperty(c => c.LinkedAt, time.GetUtcNow()), ct);
        }
        else if (record.UserId != userId)
        {
            return null;
        }
        // The latest released session whose review window is still open (instants compared here: SQLite cannot).
        var now = time.GetUtcNow();
        var registrations = await db.Registrations.AsNoTracking()
            .Where(r => r.CandidateId == record.Id && r.ExamSession.PublishedAt != null)
            .Select(r => new { r.Id, r.ExamSession.ReleaseAt, r.ExamSession.ReviewClosesAt })
            .ToListAsync(ct);
        return registrations.Where(r => r.ReviewClosesAt > now).OrderByDescending(r => r.ReleaseAt).Select(r => (int?)r.Id).FirstOrDefault();
    }

    private static async Task ReviewsAsync(IServiceProvider sp, IDbContextFactory<ScorePortalDbContext> dbFactory, int registrationId,
        string candidateId, string staffId, ILogger logger, CancellationToken ct)
    {
        List<int> subjects;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            subjects = await db.Registrations.AsNoTracking().Where(r => r.Id == registrationId)
                .SelectMany(r => db.Subjects.Where(s => s.QualificationId == r.QualificationId).OrderBy(s => s.SortOrder).Select(s => s.Id))
                .ToListAsync(ct);
        }
        if (subjects.Count < 2) return;
        var (first, second) = (subjects[0], subjects[1]);

        // 基础知识: submitted, in the queue of Shanghai staff.
        if (await StatusAsync(dbFactory, registrationId, first, ct) is null)
            await ApplyAsync(sp, registrationId, first, candidateId, ReviewReason.ScoringFault, "基础知识的成绩与本人估分相差较大，申请复核。", logger, ct);

        // 应用技术: accepted, answer script uploaded, three experts re-marking.
        if (await StatusAsync(dbFactory, registrationId, second, ct) is null)
            await ApplyAsync(sp, registrationId, second, candidateId, ReviewReason.NearPassLine, "应用技术 41 分，距合格线 4 分，申请复核。", logger, ct);
        if (await StatusAsync(dbFactory, registrationId, second, ct) is { Status: ReviewStatus.Submitted } submitted)
            Report(logger, "accept", (await sp.GetRequiredService<ScreenReview>().HandleAsync(
                new ScreenReviewRequest(staffId, submitted.Id, ScreenDecision.Accept, null), ct)).Error);
        if (await StatusAsync(dbFactory, registrationId, second, ct) is { Status: ReviewStatus.Accepted } accepted)
        {
            var script = BlankPdf(pages: 2);
            using var stream = new MemoryStream(script, writable: false);
            Report(logger, "start re-marking", (await sp.GetRequiredService<StartRemarking>().HandleAsync(
                new StartRemarkingRequest(staffId, accepted.Id, stream, script.Length), ct)).Error);
        }
    }

    private sealed record Existing(int Id, ReviewStatus Status);

    private static async Task<Existing?> StatusAsync(IDbContextFactory<ScorePortalDbContext> dbFactory, int registrationId, int subjectId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReviewRequests.AsNoTracking().Where(r => r.RegistrationId == registrationId && r.SubjectId == subjectId)
            .OrderByDescending(r => r.Id).Select(r => new Existing(r.Id, r.Status)).FirstOrDefaultAsync(ct);
    }

    private static async Task ApplyAsync(IServiceProvider sp, int registrationId, int subjectId, string userId, ReviewReason reason, string text,
        ILogger logger, CancellationToken ct)
    {
        // The application form as the candidate downloads it; the copies of the ID card and the ticket as blank pages.
        var form = await sp.GetRequiredService<ReviewDocuments>().ApplicationFormAsync(userId, registrationId, subjectId, "zh-CN", ct) ?? BlankPdf();
        var id = BlankPdf();
        var ticket = BlankPdf();
        var files = new List<UploadedFile>
        {
            new(ReviewFileKind.ApplicationForm, new MemoryStream(form, writable: false), form.Length),
            new(ReviewFileKind.IdCopy, new MemoryStream(id, writable: false), id.Length),
            new(ReviewFileKind.AdmissionTicket, new MemoryStream(ticket, writable: false), ticket.Length),
        };
        try
        {
            var outcome = await sp.GetRequiredService<ApplyForReview>().HandleAsync(new ApplyForReviewRequest(
                userId, registrationId, subjectId, reason, text, ReviewDelivery.OnlineOnly, null, null, files, "zh-CN", null), ct);
            Report(logger, "apply", outcome is ApplyForReviewOutcome.Refused refused ? refused.MessageKey
                : outcome is ApplyForReviewOutcome.NotFound ? "not found" : null);
        }
        finally
        {
            foreach (var file in files) await file.Content.DisposeAsync();
        }
    }

    /// <summary>A batch of the scheduled session, imported by the first demo admin: it waits for the second one's approval.</summary>
    private static async Task BatchAsync(IServiceProvider sp, IDbContextFactory<ScorePortalDbContext> dbFactory, string importerId, ILogger logger,
        CancellationToken ct)
    {
        string code;
        var csv = new StringBuilder(string.Join(',', BatchFile.Columns.Where(c => c != BatchFile.Mobile))).Append('\n');
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var session = (await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt == null)
                .Select(s => new { s.Id, s.Code, s.ReleaseAt }).ToListAsync(ct)).MinBy(s => s.ReleaseAt);
            if (session is null || await db.ResultBatches.AnyAsync(b => b.ExamSessionId == session.Id, ct)) return;
            code = session.Code;
            // Whole entities, so the encrypted names and ID numbers open as they load.
            var registrations = await db.Registrations.AsNoTracking().Include(r => r.Candidate).Include(r => r.Qualification)
                .Where(r => r.ExamSessionId == session.Id).OrderBy(r => r.Id).ToListAsync(ct);
            if (registrations.Count == 0) return;
            var subjects = await db.Subjects.AsNoTracking().OrderBy(s => s.SortOrder).ToListAsync(ct);
            var rng = new Random(2027);
            foreach (var r in registrations)
            {
                var c = r.Candidate;
                foreach (var s in subjects.Where(s => s.QualificationId == r.QualificationId))
                {
                    var absent = rng.NextDouble() < 0.04;
                    var score = Math.Clamp(Math.Round(s.PassLine + (decimal)(rng.NextDouble() * 30 - 12)), 0, s.FullMarks);
                    csv.AppendJoin(',', r.TicketNumber, IdTypeText(c.IdType), c.IdNumber, Quote(c.Name), r.ProvinceCode, r.Qualification.Code, s.Code,
                        absent ? "" : score.ToString("0", CultureInfo.InvariantCulture), absent ? "absent" : "normal", c.Email ?? "").Append('\n');
                }
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"scoreportal-demo-{code}-{Guid.NewGuid():N}.csv");
        try
        {
            await File.WriteAllTextAsync(path, csv.ToString(), new UTF8Encoding(false), ct);
            var outcome = await sp.GetRequiredService<ImportBatch>().HandleAsync(new ImportBatchRequest(code, path, $"{code}-results.csv", importerId), null, ct);
            Report(logger, "import", outcome switch
            {
                ImportOutcome.Imported => null,
                ImportOutcome.Refused refused => $"{refused.ErrorCount} invalid rows",
                ImportOutcome.Invalid invalid => invalid.Key,
                _ => outcome.GetType().Name,
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string IdTypeText(IdType type) => type switch
    {
        IdType.Passport => "passport",
        IdType.HkMacaoTaiwanPermit => "permit",
        _ => "resident",
    };

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static byte[] BlankPdf(int pages = 1)
    {
        using var document = new PdfDocument();
        for (var i = 0; i < pages; i++) document.AddPage();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>A step the portal refused: the demo still starts (a person may have done the step differently), and the log says why.</summary>
    private static void Report(ILogger logger, string step, string? refusal)
    {
        if (refusal is not null) logger.LogWarning("Demo work: {Step} was refused ({Refusal})", step, refusal);
    }
}
