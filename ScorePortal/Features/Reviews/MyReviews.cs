using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Reviews;

public sealed record MyReviewRow(int Id, string CaseNumber, string SessionCode, string SubjectZh, string SubjectEn, ReviewStatus Status,
    bool? Changed, DateTimeOffset SubmittedAt, DateTimeOffset DueAt);

public sealed record MyReviewStep(ReviewStatus Status, DateTimeOffset At, string? Message);

public sealed record MyReviewFile(Guid Id, ReviewFileKind Kind, string ContentType, long Length, int Pages);

public sealed record MyReviewDetail(MyReviewRow Row, ReviewReason ReasonKind, string Reason, ReviewDelivery Delivery, string? EmsNumber,
    DateTimeOffset? SlotAt, decimal OriginalScore, decimal? FinalScore, IReadOnlyList<MyReviewStep> Steps, IReadOnlyList<MyReviewFile> Files);

public sealed record ReviewableSubject(int SubjectId, string NameZh, string NameEn, decimal Score, decimal PassLine, int? OpenRequestId);

public sealed record ReviewableSession(int RegistrationId, string SessionCode, string ProvinceCode, DateTimeOffset OpensAt, DateTimeOffset ClosesAt,
    bool IsOpen, IReadOnlyList<ReviewableSubject> Subjects);

public sealed record SlotOption(int Id, DateTimeOffset StartsAt, int Free);

/// <summary>
/// What the candidate area shows of reviews, always for the signed-in account's own record: its requests, one
/// request in full (never the expert marks), and the released sessions with their review windows.
/// </summary>
public sealed class MyReviews(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<MyReviewRow>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rows(db, db.ReviewRequests.Where(r => r.Candidate.UserId == userId).OrderByDescending(r => r.SubmittedAt).ThenByDescending(r => r.Id))
            .ToListAsync(ct);
    }

    public async Task<MyReviewDetail?> DetailAsync(string userId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = db.ReviewRequests.Where(r => r.Id == id && r.Candidate.UserId == userId);
        var row = await Rows(db, mine).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var request = await mine.AsNoTracking()
            .Select(r => new
            {
                r.ReasonKind, r.Reason, r.Delivery, r.EmsNumber, SlotAt = (DateTimeOffset?)r.AppointmentSlot!.StartsAt, r.OriginalScore, r.FinalScore, r.Status,
            })
            .FirstAsync(ct);
        var steps = await db.ReviewEvents.AsNoTracking().Where(e => e.ReviewRequestId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new MyReviewStep(e.Status, e.At, e.Message)).ToListAsync(ct);
        var files = await db.ReviewFiles.AsNoTracking().Where(f => f.ReviewRequestId == id && f.Kind != ReviewFileKind.AnswerScript)
            .OrderBy(f => f.UploadedAt).Select(f => new MyReviewFile(f.Id, f.Kind, f.ContentType, f.Length, f.Pages)).ToListAsync(ct);
        return new MyReviewDetail(row, request.ReasonKind, request.Reason, request.Delivery, request.EmsNumber, request.SlotAt,
            request.OriginalScore, request.Status == ReviewStatus.Decided ? request.FinalScore : null, steps, files);
    }

    /// <summary>The released sessions of the record with their review windows and the subjects that have a score.</summary>
    public async Task<IReadOnlyList<ReviewableSession>> SessionsAsync(string userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var registrations = await db.Registrations.AsNoTracking()
            .Where(r => r.Candidate.UserId == userId && r.ExamSession.PublishedAt != null)
            .Select(r => new { r.Id, r.ExamSession.Code, r.ProvinceCode, r.ExamSession.ReviewOpensAt, r.ExamSession.ReviewClosesAt, r.ExamSession.ReleaseAt })
            .ToListAsync(ct);
        // Session instants are compared here: SQLite cannot compare DateTimeOffset columns in SQL.
        registrations = registrations.Where(r => r.ReleaseAt <= now).ToList();
        var ids = registrations.Select(r => r.Id).ToList();
        var scores = await db.SubjectScores.AsNoTracking()
            .Where(s => ids.Contains(s.RegistrationId) && s.IsCurrent && s.Status == ScoreStatus.Normal)
            .Select(s => new { s.RegistrationId, s.SubjectId, s.Score, s.Subject.NameZh, s.Subject.NameEn, s.Subject.PassLine, s.Subject.SortOrder })
            .ToListAsync(ct);
        var open = await db.ReviewRequests.AsNoTracking()
            .Where(r => ids.Contains(r.RegistrationId) && r.ClosedAt == null)
            .Select(r => new { r.RegistrationId, r.SubjectId, r.Id }).ToListAsync(ct);
        return registrations.OrderByDescending(r => r.ReleaseAt).Select(r => new ReviewableSession(r.Id, r.Code, r.ProvinceCode,
            r.ReviewOpensAt, r.ReviewClosesAt, now >= r.ReviewOpensAt && now < r.ReviewClosesAt,
            scores.Where(s => s.RegistrationId == r.Id && s.Score is not null).OrderBy(s => s.SortOrder)
                .Select(s => new ReviewableSubject(s.SubjectId, s.NameZh, s.NameEn, s.Score!.Value, s.PassLine,
                    open.FirstOrDefault(o => o.RegistrationId == r.Id && o.SubjectId == s.SubjectId)?.Id))
                .ToList())).ToList();
    }

    public async Task<bool> HasRecordAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Candidates.AnyAsync(c => c.UserId == userId, ct);
    }

    /// <summary>Future appointment slots of a province with free places.</summary>
    public async Task<IReadOnlyList<SlotOption>> SlotsAsync(string province, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AppointmentSlots.AsNoTracking()
            .Where(s => s.ProvinceCode == province && s.Booked < s.Capacity && s.StartsAt > now)
            .OrderBy(s => s.StartsAt)
            .Select(s => new SlotOption(s.Id, s.StartsAt, s.Capacity - s.Booked))
            .ToListAsync(ct);
    }

    private static IQueryable<MyReviewRow> Rows(ScorePortalDbContext db, IQueryable<ReviewRequest> requests) =>
        requests.AsNoTracking().Select(r => new MyReviewRow(r.Id, r.CaseNumber,
            db.ExamSessions.Where(s => s.Id == r.ExamSessionId).Select(s => s.Code).First(),
            db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => s.NameZh).First(),
            db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => s.NameEn).First(),
            r.Status, r.Changed, r.SubmittedAt, r.DueAt));
}
