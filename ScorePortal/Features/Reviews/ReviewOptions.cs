namespace ScorePortal.Features.Reviews;

public sealed class ReviewOptions
{
    public const string Section = "Reviews";

    /// <summary>Where review files are stored, encrypted (relative to the content root; never under wwwroot).</summary>
    public string FilesDirectory { get; set; } = "App_Data/review-files";

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Most pages a PDF may have.</summary>
    public int MaxPages { get; set; } = 20;

    /// <summary>The largest request body of an upload form: three files at the limit plus the form fields.</summary>
    public long MaxRequestBytes => 3 * MaxFileBytes + 64 * 1024;
}
