using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public sealed record ConfirmReviewDecisionRequest(string StaffUserId, int RequestId);

/// <summary>
/// Staff of the province confirm the median of the three re-marks (four eyes: the experts mark, a staff member who is
/// none of them confirms). In one transaction: the decision becomes its own score version (current from now on,
/// carrying <see cref="SubjectScore.ReviewRequestId"/>), the request is decided and closed for good, who passed is
/// decided again with the rule publication uses (a new pass gets a certificate number), the candidate's email is
/// queued, and when the score changed the <see cref="ResultChanged"/> event is raised (the candidate's reports become
/// "superseded" with it; an unchanged score changes no result and raises none). The analytics cache is cleared after
/// the commit.
/// </summary>
public sealed class ConfirmReviewDecision(IDbContextFactory<ScorePortalDbContext> dbFactory, Outcomes outcomes, ResultEvents events, Notices notices,
    SessionCatalog sessionCatalog, HybridCache cache, AuditLog audit, TimeProvider time, ILogger<ConfirmReviewDecision> logger)
{
    /// <summary>The median of the marks: the middle one of three (the mean of the middle two for an even count).</summary>
    public static decimal Median(IReadOnlyCollection<decimal> marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (marks.Count == 0) throw new ArgumentException("No marks.", nameof(marks));
        var sorted = marks.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public async Task<ReviewActionResult> HandleAsync(ConfirmReviewDecisionRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (result, changed, intent) = await DecideAsync(request, ct);
        if (result.Succeeded) await ResultCaches.AfterResultsChangedAsync(sessionCatalog, cache);
        // A decision's entry was promised in its transaction (a kill between the commit and this line loses nothing);
        // a refusal changed nothing and is written as it is.
        if (intent is not null) await audit.CommitIntentAsync(intent, CancellationToken.None);
        else await audit.WriteDurableAsync(Record(request, result.Error ?? "done", changed), CancellationToken.None);
        return result;
    }

    private static AuditRecord Record(ConfirmReviewDecisionRequest request, string outcome, bool? changed) =>
        new(AuditActions.ReviewDecide, request.StaffUserId, Roles.Staff, "review", request.RequestId.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?>
            {
                ["outcome"] = outcome,
                ["changed"] = changed is null ? null : changed.Value ? "true" : "false",
            });

    private async Task<(ReviewActionResult Result, bool? Changed, AuditIntent? Intent)> DecideAsync(ConfirmReviewDecisionRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Read and decided in one transaction: a retry after a transient fault starts again from the stored review.
        // When the fault hid whether the commit happened (its acknowledgement lost), the review is asked first: decided
        // by this staff member with its decision stored means done; a second run would refuse it as already decided.
        AuditIntent? promised = null;
        return await db.InTransactionAsync<(ReviewActionResult Result, bool? Changed, AuditIntent? Intent)>(async (tx, ct) =>
        {
            promised = null;
            var province = await ReviewAccess.ProvinceOfAsync(db, request.StaffUserId, ct);
            var review = await ReviewAccess.ForStaff(db, province).Include(r => r.ExpertMarks)
                .FirstOrDefaultAsync(r => r.Id == request.RequestId, ct);
            if (review is null) return (new ReviewActionResult(ReviewErrors.NotFound), null, null);
            if (ReviewStep.Check(review.Status, ReviewStatus.Decided) is { } refused) return (new ReviewActionResult(refused), null, null);
            if (review.ExpertMarks.Any(m => m.ExpertUserId == request.StaffUserId)) return (new ReviewActionResult(ReviewErrors.ExpertCannotConfirm), null, null);
            var marks = review.ExpertMarks.Where(m => m.MarkedAt is not null && m.Score is not null).Select(m => m.Score!.Value).ToList();
            if (marks.Count < StartRemarking.ExpertsPerRequest) return (new ReviewActionResult(ReviewErrors.MarksMissing), null, null);

            var now = time.GetUtcNow();
            var final = Median(marks);
            var current = await db.SubjectScores
                .Where(s => s.RegistrationId == review.RegistrationId && s.SubjectId == review.SubjectId && s.IsCurrent)
                .FirstAsync(ct);
            var version = await db.SubjectScores
                .Where(s => s.RegistrationId == review.RegistrationId && s.SubjectId == review.SubjectId)
                .MaxAsync(s => s.Version, ct);
            var changed = current.Status != ScoreStatus.Normal || current.Score != final;

            current.IsCurrent = false;
            current.SupersededAt = now;
            var decision = new SubjectScore
            {
                RegistrationId = review.RegistrationId,
                SubjectId = review.SubjectId,
                Score = final,
                Status = ScoreStatus.Normal,
                Version = version + 1,
                // The decision carries the batch of the version it replaces; ReviewRequestId marks it as a decision.
                ResultBatchId = current.ResultBatchId,
                ReviewRequestId = review.Id,
                IsCurrent = true,
            };
            db.SubjectScores.Add(decision);
            review.FinalScore = final;
            review.Changed = changed;
            review.DecidedByUserId = request.StaffUserId;
            await ReviewStep.MoveAsync(db, review, ReviewStatus.Decided, request.StaffUserId, null, now, notices, ct);
            var saved = await ScreenReview.SaveAsync(db, ct);
            if (!saved.Succeeded) return (saved, null, null);
            review.DecisionScoreId = decision.Id;
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            if (changed)
            {
                await outcomes.RecomputeAsync(db, [review.CandidateId], ct);
                await events.RaiseAsync(db, ResultChanged.ReviewDecided(review.ExamSessionId, decision.ResultBatchId, review.Id, review.CaseNumber,
                    review.CandidateId, review.RegistrationId, review.SubjectId, now), ct);
            }
            promised = audit.Intend(db, Record(request, "done", changed));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Review request {RequestId} decided (changed: {Changed})", review.Id, changed);
            return (ReviewActionResult.Done, changed, promised);
        }, async ct =>
        {
            var stored = await db.ReviewRequests.AsNoTracking().Where(r => r.Id == request.RequestId)
                .Select(r => new { r.Status, r.DecidedByUserId, r.DecisionScoreId, r.Changed }).FirstOrDefaultAsync(ct);
            return stored is { Status: ReviewStatus.Decided, DecisionScoreId: not null } && stored.DecidedByUserId == request.StaffUserId
                // With the audit entry that attempt promised (null only if no attempt got that far: the outbox writes it).
                ? DatabaseTransactions.Committed<(ReviewActionResult Result, bool? Changed, AuditIntent? Intent)>((ReviewActionResult.Done, stored.Changed, promised))
                : DatabaseTransactions.NotCommitted<(ReviewActionResult Result, bool? Changed, AuditIntent? Intent)>();
        }, ct);
    }
}
