namespace ScorePortal.Features.Reviews;

/// <summary>The refusals of the review use cases: resource keys, each with a localized message.</summary>
public static class ReviewErrors
{
    public const string NotFound = "Review.Error.NotFound";
    public const string WindowClosed = "Review.Error.WindowClosed";
    public const string NoScore = "Review.Error.NoScore";
    public const string AlreadyOpen = "Review.Error.AlreadyOpen";
    public const string AlreadyDecided = "Review.Error.AlreadyDecided";
    public const string ReasonRequired = "Review.Error.ReasonRequired";
    public const string ReasonTooLong = "Review.Error.ReasonTooLong";
    public const string FileMissing = "Review.Error.FileMissing";
    public const string FileEmpty = "Review.Error.FileEmpty";
    public const string FileTooLarge = "Review.Error.FileTooLarge";
    public const string FileTooManyPages = "Review.Error.FileTooManyPages";
    public const string FileType = "Review.Error.FileType";
    public const string FilePdfExpands = "Review.Error.FilePdfExpands";
    public const string FileNotPdf = "Review.Error.FileNotPdf";
    public const string RequestTooLarge = "Review.Error.RequestTooLarge";
    public const string EmsRequired = "Review.Error.EmsRequired";
    public const string SlotRequired = "Review.Error.SlotRequired";
    public const string SlotFull = "Review.Error.SlotFull";
    public const string WrongStatus = "Review.Error.WrongStatus";
    public const string Closed = "Review.Error.Closed";
    public const string MessageRequired = "Review.Error.MessageRequired";
    public const string NotEnoughExperts = "Review.Error.NotEnoughExperts";
    public const string AlreadyMarked = "Review.Error.AlreadyMarked";
    public const string ScoreOutOfRange = "Review.Error.ScoreOutOfRange";
    public const string MarksMissing = "Review.Error.MarksMissing";
    public const string ExpertCannotConfirm = "Review.Error.ExpertCannotConfirm";
    public const string Concurrent = "Review.Error.Concurrent";
}
