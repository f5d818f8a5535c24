using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Notices;

namespace ScorePortal.Features.Reviews;

/// <summary>What a staff or expert action answers: null when done, else a resource key.</summary>
public sealed record ReviewActionResult(string? Error)
{
    public static readonly ReviewActionResult Done = new((string?)null);

    public bool Succeeded => Error is null;
}

/// <summary>
/// Moves a tracked request to its next status: the timeline step, the candidate's email (same save), and the
/// <see cref="ReviewRequest.Revision"/> bump that makes two staff acting at once conflict instead of both winning.
/// Decided and rejected requests never move again.
/// </summary>
internal static class ReviewStep
{
    /// <summary>Which statuses each status may move to.</summary>
    private static readonly Dictionary<ReviewStatus, ReviewStatus[]> Allowed = new()
    {
        [ReviewStatus.Submitted] = [ReviewStatus.Accepted, ReviewStatus.MoreNeeded, ReviewStatus.Rejected],
        [ReviewStatus.MoreNeeded] = [ReviewStatus.Submitted, ReviewStatus.Accepted, ReviewStatus.Rejected],
        [ReviewStatus.Accepted] = [ReviewStatus.Remarking, ReviewStatus.Rejected],
        [ReviewStatus.Remarking] = [ReviewStatus.Decided],
        [ReviewStatus.Decided] = [],
        [ReviewStatus.Rejected] = [],
    };

    /// <summary>Null when the move is allowed; else <see cref="ReviewErrors.Closed"/> or <see cref="ReviewErrors.WrongStatus"/>.</summary>
    public static string? Check(ReviewStatus from, ReviewStatus to) =>
        from is ReviewStatus.Decided or ReviewStatus.Rejected ? ReviewErrors.Closed
        : Allowed[from].Contains(to) ? null
        : ReviewErrors.WrongStatus;

    public static async Task MoveAsync(ScorePortalDbContext db, ReviewRequest request, ReviewStatus to, string actorUserId, string? message,
        DateTimeOffset now, Notices notices, CancellationToken ct)
    {
        request.Status = to;
        request.Revision++;
        if (to is ReviewStatus.Decided or ReviewStatus.Rejected) request.ClosedAt = now;
        if (message is not null) request.StaffNote = message;
        db.ReviewEvents.Add(new ReviewEvent { ReviewRequestId = request.Id, Status = to, At = now, Message = message, ActorUserId = actorUserId });
        var email = await db.Users.Where(u => u.Id == db.Candidates.Where(c => c.Id == request.CandidateId).Select(c => c.UserId).FirstOrDefault())
            .Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (email is { Length: > 0 })
            notices.Send(db, new NoticeRecipient(email, request.Culture), ReviewNotices.StatusChanged(request.CaseNumber, to, request.Changed, message));
    }
}
