using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>One uploaded file as the endpoint received it; the stream is read once, up to the size limit.</summary>
public sealed record UploadedFile(ReviewFileKind Kind, Stream Content, long Length);

public sealed record ApplyForReviewRequest(
    string UserId, int RegistrationId, int SubjectId, ReviewReason ReasonKind, string? ReasonText,
    ReviewDelivery Delivery, string? EmsNumber, int? SlotId, IReadOnlyList<UploadedFile> Files, string Culture, string? SourceIp);

public abstract record ApplyForReviewOutcome
{
    public sealed record Filed(int RequestId, string CaseNumber) : ApplyForReviewOutcome;

    /// <summary>A resource key; <paramref name="ExistingRequestId"/> when the subject already has an open request.</summary>
    public sealed record Refused(string MessageKey, int? ExistingRequestId = null) : ApplyForReviewOutcome;

    /// <summary>Not the account's own registration: the same answer as an id that does not exist.</summary>
    public sealed record NotFound : ApplyForReviewOutcome;
}

/// <summary>
/// A candidate files a review of one subject of their own registration, inside the session's review window: the
/// reason, how the originals reach the center, and the three materials. Files are checked from their bytes before
/// anything is stored; the request, its files, the booked appointment, the first timeline step and the email commit
/// together. One open request per subject: a second submit (a double click) finds the first.
/// </summary>
public sealed partial class ApplyForReview(IDbContextFactory<ScorePortalDbContext> dbFactory, ReviewFileStore store, Notices notices,
    IOptions<ReviewOptions> options, AuditLog audit, TimeProvider time, ILogger<ApplyForReview> logger)
{
    public const int ReasonMaxLength = 1000;

    /// <summary>The materials a candidate hands in; the answer script comes from staff.</summary>
    public static readonly ReviewFileKind[] CandidateKinds = [ReviewFileKind.ApplicationForm, ReviewFileKind.IdCopy, ReviewFileKind.AdmissionTicket];

    public async Task<ApplyForReviewOutcome> HandleAsync(ApplyForReviewRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await ApplyAsync(request, ct);
        var data = new Dictionary<string, string?>
        {
            ["registrationId"] = request.RegistrationId.ToString(CultureInfo.InvariantCulture),
            ["subjectId"] = request.SubjectId.ToString(CultureInfo.InvariantCulture),
            ["outcome"] = outcome switch
            {
                ApplyForReviewOutcome.Filed => "filed",
                ApplyForReviewOutcome.Refused r => r.MessageKey,
                _ => "notFound",
            },
        };
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewApply, request.UserId, Roles.Candidate, "review",
            (outcome as ApplyForReviewOutcome.Filed)?.RequestId.ToString(CultureInfo.InvariantCulture), request.SourceIp, data), CancellationToken.None);
        return outcome;
    }

    private async Task<ApplyForReviewOutcome> ApplyAsync(ApplyForReviewRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Registrations.AsNoTracking()
            .Where(r => r.Id == request.RegistrationId && r.Candidate.UserId == request.UserId)
            .Select(r => new
            {
                r.CandidateId, r.ExamSessionId, r.QualificationId, r.ProvinceCode,
                r.ExamSession.Code, r.ExamSession.PublishedAt, r.ExamSession.ReleaseAt, r.ExamSession.ReviewOpensAt,
                r.ExamSession.ReviewClosesAt, r.ExamSession.ReviewDecisionDays,
            })
            .FirstOrDefaultAsync(ct);
        if (target is null) return new ApplyForReviewOutcome.NotFound();

        var released = target.PublishedAt is not null && now >= target.ReleaseAt;
        if (!released) return new ApplyForReviewOutcome.NotFound();
        if (now < target.ReviewOpensAt || now >= target.ReviewClosesAt) return new ApplyForReviewOutcome.Refused(ReviewErrors.WindowClosed);

        var score = await db.SubjectScores.AsNoTracking()
            .Where(s => s.RegistrationId == request.RegistrationId && s.SubjectId == request.SubjectId && s.IsCurrent)
            .Select(s => new { s.Id, s.Score, s.Status })
            .FirstOrDefaultAsync(ct);
        if (score is null) return new ApplyForReviewOutcome.NotFound();
        if (score.Status != ScoreStatus.Normal || score.Score is null) return new ApplyForReviewOutcome.Refused(ReviewErrors.NoScore);

        if (await OpenRequestAsync(db, request, ct) is { } existing) return new ApplyForReviewOutcome.Refused(ReviewErrors.AlreadyOpen, existing);
        // A decision is final: the same subject is not reviewed again.
        if (await db.ReviewRequests.AnyAsync(r => r.RegistrationId == request.RegistrationId && r.SubjectId == request.SubjectId
                                                  && r.Status == ReviewStatus.Decided, ct))
            return new ApplyForReviewOutcome.Refused(ReviewErrors.AlreadyDecided);

        var reason = request.ReasonText?.Trim() ?? "";
        if (request.ReasonKind == ReviewReason.Other && reason.Length == 0) return new ApplyForReviewOutcome.Refused(ReviewErrors.ReasonRequired);
        if (reason.Length > ReasonMaxLength) return new ApplyForReviewOutcome.Refused(ReviewErrors.ReasonTooLong);
        if (!Enum.IsDefined(request.ReasonKind) || !Enum.IsDefined(request.Delivery)) return new ApplyForReviewOutcome.Refused(ReviewErrors.ReasonRequired);

        string? ems = null;
        if (request.Delivery == ReviewDelivery.Mail)
        {
            ems = request.EmsNumber?.Trim().ToUpperInvariant();
            if (ems is null || !EmsPattern().IsMatch(ems)) return new ApplyForReviewOutcome.Refused(ReviewErrors.EmsRequired);
        }
        if (request.Delivery == ReviewDelivery.Appointment)
        {
            var slotOk = request.SlotId is { } slotId && await db.AppointmentSlots.AnyAsync(
                s => s.Id == slotId && s.ProvinceCode == target.ProvinceCode && s.StartsAt > now, ct);
            if (!slotOk) return new ApplyForReviewOutcome.Refused(ReviewErrors.SlotRequired);
        }

        // Every file is checked in memory before the first one touches the disk.
        var files = new List<(ReviewFileKind Kind, CheckedFile File)>();
        foreach (var kind in CandidateKinds)
        {
            var upload = request.Files.FirstOrDefault(f => f.Kind == kind);
            if (upload is null || upload.Length == 0) return new ApplyForReviewOutcome.Refused(ReviewErrors.FileMissing);
            var (checkedFile, error) = await ReviewFileCheck.CheckAsync(upload.Content, upload.Length, options.Value, pdfOnly: false, ct);
            if (error is not null) return new ApplyForReviewOutcome.Refused(error);
            files.Add((kind, checkedFile!));
        }

        var email = await db.Users.Where(u => u.Id == request.UserId).Select(u => u.Email).FirstAsync(ct);
        var stored = new List<Guid>();
        ApplyForReviewOutcome.Filed? committing = null;
        try
        {
            return await db.InTransactionAsync<ApplyForReviewOutcome>(async (tx, ct) =>
            {
                committing = null;
                // A retried attempt stores its files afresh: the failed attempt's copies go.
                foreach (var id in stored) store.Delete(id);
                stored.Clear();
                if (request.Delivery == ReviewDelivery.Appointment)
                {
                    // The conditional increment is the capacity check: two candidates for the last place, one gets it.
                    var booked = await db.AppointmentSlots
                        .Where(s => s.Id == request.SlotId && s.Booked < s.Capacity)
                        .ExecuteUpdateAsync(set => set.SetProperty(s => s.Booked, s => s.Booked + 1), ct);
                    if (booked == 0) return new ApplyForReviewOutcome.Refused(ReviewErrors.SlotFull);
                }

                var closes = target.ReviewClosesAt;
                var review = new ReviewRequest
                {
                    CaseNumber = "pending-" + Guid.NewGuid().ToString("N")[..16],
                    CandidateId = target.CandidateId,
                    RegistrationId = request.RegistrationId,
                    SubjectId = request.SubjectId,
                    ExamSessionId = target.ExamSessionId,
                    QualificationId = target.QualificationId,
                    SubjectScoreId = score.Id,
                    ProvinceCode = target.ProvinceCode,
                    ReasonKind = request.ReasonKind,
                    Reason = reason,
                    Delivery = request.Delivery,
                    Culture = request.Culture,
                    EmsNumber = ems,
                    AppointmentSlotId = request.Delivery == ReviewDelivery.Appointment ? request.SlotId : null,
                    Status = ReviewStatus.Submitted,
                    SubmittedAt = now,
                    DueAt = closes.AddDays(target.ReviewDecisionDays),
                    OriginalScore = score.Score.Value,
                };
                review.Events.Add(new ReviewEvent { Status = ReviewStatus.Submitted, At = now, ActorUserId = request.UserId });
                foreach (var (kind, file) in files)
                {
                    var id = Guid.NewGuid();
                    review.Files.Add(new ReviewFile
                    {
                        Id = id, Kind = kind, ContentType = file.ContentType, Length = file.Bytes.Length, Pages = file.Pages,
                        UploadedByUserId = request.UserId, UploadedAt = now,
                    });
                    stored.Add(id);
                    await store.SaveAsync(id, file.Bytes, ct);
                }
                db.ReviewRequests.Add(review);
                await db.SaveChangesAsync(ct);
                review.CaseNumber = CaseNumber(target.Code, target.ProvinceCode, review.Id);
                if (email is { Length: > 0 })
                    notices.Send(db, new NoticeRecipient(email, request.Culture), ReviewNotices.StatusChanged(review.CaseNumber, ReviewStatus.Submitted, null, null));
                await db.SaveChangesAsync(ct);
                committing = new ApplyForReviewOutcome.Filed(review.Id, review.CaseNumber);
                await tx.CommitAsync(ct);
                stored.Clear();
                logger.LogInformation("Review request {RequestId} filed for registration {RegistrationId}", review.Id, request.RegistrationId);
                return new ApplyForReviewOutcome.Filed(review.Id, review.CaseNumber);
            }, async ct =>
            {
                // The commit's acknowledgement lost: a second run would delete the committed request's files and
                // book its slot again before the unique index refused it.
                if (committing is not { } filed
                    || !await db.ReviewRequests.AsNoTracking().AnyAsync(r => r.Id == filed.RequestId && r.CaseNumber == filed.CaseNumber, ct))
                    return DatabaseTransactions.NotCommitted<ApplyForReviewOutcome>();
                stored.Clear(); // committed: its files stay
                logger.LogInformation("Review request {RequestId} filed for registration {RegistrationId}", filed.RequestId, request.RegistrationId);
                return DatabaseTransactions.Committed<ApplyForReviewOutcome>(filed);
            }, ct);
        }
        catch (DbUpdateException)
        {
            // The other submit of a double click committed first (the unique index over open requests).
            if (await OpenRequestAsync(db, request, CancellationToken.None) is not { } winner) throw;
            return new ApplyForReviewOutcome.Refused(ReviewErrors.AlreadyOpen, winner);
        }
        finally
        {
            foreach (var id in stored) store.Delete(id);
        }
    }

    private static async Task<int?> OpenRequestAsync(ScorePortalDbContext db, ApplyForReviewRequest request, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.ReviewRequests.AsNoTracking()
            .Where(r => r.RegistrationId == request.RegistrationId && r.SubjectId == request.SubjectId && r.ClosedAt == null)
            .Select(r => (int?)r.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>FH + session code + province + the request id, e.g. FH2026H1-31-000042.</summary>
    public static string CaseNumber(string sessionCode, string province, int id) =>
        string.Create(CultureInfo.InvariantCulture, $"FH{sessionCode}-{province}-{id:D6}");

    /// <summary>EMS numbers: two letters, nine digits, two letters (international), or 13 digits (domestic).</summary>
    [GeneratedRegex(@"^([A-Z]{2}\d{9}[A-Z]{2}|\d{13})$", RegexOptions.CultureInvariant)]
    private static partial Regex EmsPattern();
}
