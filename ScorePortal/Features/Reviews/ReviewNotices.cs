using ScorePortal.Platform.Notices;

namespace ScorePortal.Features.Reviews;

/// <summary>What a candidate is told at every step of a review, in the language they applied in (the request's culture).</summary>
public static class ReviewNotices
{
    /// <summary>The request moved to <paramref name="status"/>; staff's <paramref name="message"/>, when given, follows the status.</summary>
    public static Notice StatusChanged(string caseNumber, ReviewStatus status, bool? changed, string? message) =>
        Notice.Of("Mail.Review", caseNumber, new NoticeText(ReviewText.StatusKey(status, changed)),
            string.IsNullOrWhiteSpace(message) ? "" : "\n\n" + message.Trim());
}
