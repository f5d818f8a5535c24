namespace ScorePortal.Features.Reviews;

/// <summary>Resource keys of review values, shared by the pages, the notices and the PDFs.</summary>
public static class ReviewText
{
    public static string StatusKey(ReviewStatus status, bool? changed = null) => status switch
    {
        ReviewStatus.Decided when changed == true => "Review.Status.DecidedChanged",
        ReviewStatus.Decided => "Review.Status.DecidedUnchanged",
        _ => "Review.Status." + status,
    };

    public static string ReasonKey(ReviewReason reason) => "Review.Reason." + reason;

    public static string DeliveryKey(ReviewDelivery delivery) => "Review.Delivery." + delivery;

    public static string FileKindKey(ReviewFileKind kind) => "Review.File." + kind;
}
