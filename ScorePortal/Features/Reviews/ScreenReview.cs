using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public enum ScreenDecision
{
    Accept,
    AskForMore,
    Reject,
    Claim,
}

public sealed record ScreenReviewRequest(string StaffUserId, int RequestId, ScreenDecision Decision, string? Message);

/// <summary>
/// Staff of the request's province look at the materials: claim the request, accept the materials, ask for more
/// (with a message to the candidate) or reject (with a message). Staff of another province get "not found".
/// </summary>
public sealed class ScreenReview(IDbContextFactory<ScorePortalDbContext> dbFactory, Notices notices, AuditLog audit, TimeProvider time)
{
    public const int MessageMaxLength = 2000;

    public async Task<ReviewActionResult> HandleAsync(ScreenReviewRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await ScreenAsync(request, ct);
        await audit.WriteDurableAsync(new AuditRecord(
            request.Decision == ScreenDecision.Claim ? AuditActions.ReviewClaim : AuditActions.ReviewScreen, request.StaffUserId, Roles.Staff,
            "review", request.RequestId.ToString(CultureInfo.InvariantCulture), Data: new Dictionary<string, string?>
            {
                ["decision"] = request.Decision.ToString(),
                ["outcome"] = result.Error ?? "done",
            }), CancellationToken.None);
        return result;
    }

    private async Task<ReviewActionResult> ScreenAsync(ScreenReviewRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, request.StaffUserId, ct);
        var review = await ReviewAccess.ForStaff(db, province).FirstOrDefaultAsync(r => r.Id == request.RequestId, ct);
        if (review is null) return new ReviewActionResult(ReviewErrors.NotFound);

        var now = time.GetUtcNow();
        if (request.Decision == ScreenDecision.Claim)
        {
            if (!review.IsOpen) return new ReviewActionResult(ReviewErrors.Closed);
            review.AssignedStaffUserId = request.StaffUserId;
            review.Revision++;
            return await SaveAsync(db, ct);
        }

        var to = request.Decision switch
        {
            ScreenDecision.Accept => ReviewStatus.Accepted,
            ScreenDecision.AskForMore => ReviewStatus.MoreNeeded,
            _ => ReviewStatus.Rejected,
        };
        if (ReviewStep.Check(review.Status, to) is { } refused) return new ReviewActionResult(refused);
        var message = request.Message?.Trim();
        if (to != ReviewStatus.Accepted && string.IsNullOrEmpty(message)) return new ReviewActionResult(ReviewErrors.MessageRequired);
        if (message?.Length > MessageMaxLength) return new ReviewActionResult(ReviewErrors.ReasonTooLong);

        review.AssignedStaffUserId ??= request.StaffUserId;
        await ReviewStep.MoveAsync(db, review, to, request.StaffUserId, string.IsNullOrEmpty(message) ? null : message, now, notices, ct);
        return await SaveAsync(db, ct);
    }

    internal static async Task<ReviewActionResult> SaveAsync(ScorePortalDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return ReviewActionResult.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ReviewActionResult(ReviewErrors.Concurrent);
        }
    }
}
