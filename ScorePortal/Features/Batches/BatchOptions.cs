namespace ScorePortal.Features.Batches;

public sealed class BatchOptions
{
    public const string Section = "Batches";

    /// <summary>Where uploads wait for their import and validation reports wait for their download (relative to the content root).</summary>
    public string WorkDirectory { get; set; } = "App_Data/imports";

    /// <summary>Largest upload accepted through the admin page, in bytes (1,000,000 rows are about 90 MB).</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How often the scheduler looks for approved batches whose release time has come.</summary>
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(15);
}
