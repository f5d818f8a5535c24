using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public enum QueueSort
{
    DueFirst,
    NewestFirst,
    OldestFirst,
}

public sealed record QueueFilter(ReviewStatus? Status = null, int? SessionId = null, int? QualificationId = null, bool OverdueOnly = false,
    QueueSort Sort = QueueSort.DueFirst, int Page = 0, int PageSize = 20);

public sealed record QueueRow(int Id, string CaseNumber, string SessionCode, string QualificationZh, string QualificationEn,
    string SubjectZh, string SubjectEn, ReviewStatus Status, bool? Changed, DateTimeOffset SubmittedAt, DateTimeOffset DueAt,
    string? AssignedTo, int Marks);

public sealed record QueuePage(IReadOnlyList<QueueRow> Rows, int Total);

public sealed record QueueFileView(Guid Id, ReviewFileKind Kind, string ContentType, long Length, int Pages);

public sealed record QueueMarkView(string ExpertLabel, decimal? Score, string? Comment, DateTimeOffset? MarkedAt);

public sealed record QueueDetail(QueueRow Row, string CandidateName, string TicketNumber, ReviewReason ReasonKind, string Reason,
    ReviewDelivery Delivery, string? EmsNumber, DateTimeOffset? SlotAt, decimal OriginalScore, decimal? FinalScore, string? StaffNote,
    IReadOnlyList<QueueFileView> Files, IReadOnlyList<QueueMarkView> Marks, IReadOnlyList<MyReviewStep> Steps)
{
    public decimal? Median => Marks.Count >= StartRemarking.ExpertsPerRequest && Marks.All(m => m.Score is not null)
        ? ConfirmReviewDecision.Median([.. Marks.Select(m => m.Score!.Value)])
        : null;
}

public sealed record QueueSlot(int Id, DateTimeOffset StartsAt, int Capacity, int Booked);

/// <summary>The staff queue: requests of the staff account's province only, filtered, sorted and paged in SQL.</summary>
public sealed class ReviewQueue(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public const int SlotCapacityMax = 500;

    /// <summary>Open requests of the account's province (the navigation badge); 0 without a province.</summary>
    public async Task<int> OpenCountAsync(string? userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        return await ReviewAccess.ForStaff(db, province).CountAsync(r => r.ClosedAt == null, ct);
    }

    public async Task<QueuePage> PageAsync(string userId, QueueFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        var query = ReviewAccess.ForStaff(db, province).AsNoTracking();
        if (filter.Status is { } status) query = query.Where(r => r.Status == status);
        if (filter.SessionId is { } session) query = query.Where(r => r.ExamSessionId == session);
        if (filter.QualificationId is { } qualification) query = query.Where(r => r.QualificationId == qualification);
        if (filter.OverdueOnly) query = query.Where(r => r.ClosedAt == null && r.DueAt < now);
        var total = await query.CountAsync(ct);
        query = filter.Sort switch
        {
            QueueSort.NewestFirst => query.OrderByDescending(r => r.SubmittedAt).ThenByDescending(r => r.Id),
            QueueSort.OldestFirst => query.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id),
            // Open requests by their promised date first; closed ones after them.
            _ => query.OrderBy(r => r.ClosedAt != null).ThenBy(r => r.DueAt).ThenBy(r => r.Id),
        };
        var size = Math.Clamp(filter.PageSize, 5, 100);
        var rows = await Rows(db, query.Skip(Math.Max(0, filter.Page) * size).Take(size)).ToListAsync(ct);
        return new QueuePage(rows, total);
    }

    public async Task<QueueDetail?> DetailAsync(string userId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        var mine = ReviewAccess.ForStaff(db, province).AsNoTracking().Where(r => r.Id == id);
        var row = await Rows(db, mine).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var r = await mine.Select(r => new
        {
            r.Candidate.Name,
            Ticket = db.Registrations.Where(g => g.Id == r.RegistrationId).Select(g => g.TicketNumber).First(),
            r.ReasonKind, r.Reason, r.Delivery, r.EmsNumber, SlotAt = (DateTimeOffset?)r.AppointmentSlot!.StartsAt,
            r.OriginalScore, r.FinalScore, r.StaffNote,
        }).FirstAsync(ct);
        var files = await db.ReviewFiles.AsNoTracking().Where(f => f.ReviewRequestId == id).OrderBy(f => f.UploadedAt)
            .Select(f => new QueueFileView(f.Id, f.Kind, f.ContentType, f.Length, f.Pages)).ToListAsync(ct);
        var marks = await db.ExpertMarks.AsNoTracking().Where(m => m.ReviewRequestId == id).OrderBy(m => m.Id)
            .Select(m => new { m.ExpertUserId, m.Score, m.Comment, m.MarkedAt }).ToListAsync(ct);
        var steps = await db.ReviewEvents.AsNoTracking().Where(e => e.ReviewRequestId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new MyReviewStep(e.Status, e.At, e.Message)).ToListAsync(ct);
        await audit.WriteAsync(new AuditRecord(AuditActions.ReviewScreen, userId, Roles.Staff, "review", id.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["view"] = "detail" }), ct);
        return new QueueDetail(row, r.Name, r.Ticket, r.ReasonKind, r.Reason, r.Delivery, r.EmsNumber, r.SlotAt, r.OriginalScore, r.FinalScore,
            r.StaffNote, files, [.. marks.Select((m, i) => new QueueMarkView("#" + (i + 1).ToString(CultureInfo.InvariantCulture), m.Score, m.Comment, m.MarkedAt))],
            steps);
    }

    public async Task<IReadOnlyList<QueueSlot>> SlotsAsync(string userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        return await db.AppointmentSlots.AsNoTracking()
            .Where(s => province != null && s.ProvinceCode == province && s.StartsAt > now)
            .OrderBy(s => s.StartsAt).Select(s => new QueueSlot(s.Id, s.StartsAt, s.Capacity, s.Booked)).ToListAsync(ct);
    }

    /// <summary>Adds an appointment slot to the staff account's province; null when added, else a resource key.</summary>
    public async Task<string?> AddSlotAsync(string userId, DateTimeOffset startsAt, int capacity, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        string? error = province is null ? ReviewErrors.NotFound
            : startsAt <= time.GetUtcNow() ? "Staff.Slots.InPast"
            : capacity is < 1 or > SlotCapacityMax ? "Staff.Slots.CapacityRange"
            : null;
        if (error is null)
        {
            db.AppointmentSlots.Add(new AppointmentSlot { ProvinceCode = province!, StartsAt = startsAt.ToUniversalTime(), Capacity = capacity });
            await db.SaveChangesAsync(ct);
        }
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewSlots, userId, Roles.Staff, "province", province,
            Data: new Dictionary<string, string?>
            {
                ["startsAt"] = startsAt.ToString("O", CultureInfo.InvariantCulture),
                ["capacity"] = capacity.ToString(CultureInfo.InvariantCulture),
                ["outcome"] = error ?? "done",
            }), CancellationToken.None);
        return error;
    }

    private static IQueryable<QueueRow> Rows(ScorePortalDbContext db, IQueryable<ReviewRequest> requests) =>
        requests.Select(r => new QueueRow(r.Id, r.CaseNumber,
            db.ExamSessions.Where(s => s.Id == r.ExamSessionId).Select(s => s.Code).First(),
            db.Qualifications.Where(q => q.Id == r.QualificationId).Select(q => q.NameZh).First(),
            db.Qualifications.Where(q => q.Id == r.QualificationId).Select(q => q.NameEn).First(),
            db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => s.NameZh).First(),
            db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => s.NameEn).First(),
            r.Status, r.Changed, r.SubmittedAt, r.DueAt,
            db.Users.Where(u => u.Id == r.AssignedStaffUserId).Select(u => u.Email).FirstOrDefault(),
            r.ExpertMarks.Count(m => m.MarkedAt != null)));
}
