namespace ScorePortal.Features.Privacy;

/// <summary>Copies of a person's data (configuration section "Privacy:DataCopy"; docs/configuration.md, docs/data-copy.md).</summary>
public sealed class DataCopyOptions
{
    public const string Section = "Privacy:DataCopy";

    /// <summary>How long a prepared copy can be downloaded.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long after the request the row and its files are deleted (the retention period of prepared copies).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An account may ask for one copy per this period (a copy that failed does not count).</summary>
    public TimeSpan RequestInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the worker looks for copies to prepare and copies to delete when nobody wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);
}
