namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>Limits of a roster upload (section <c>Enterprises:Figures</c>).</summary>
public sealed class FiguresOptions
{
    public const string Section = "Enterprises:Figures";

    /// <summary>Largest roster file accepted, in bytes (default 2 MB: 20,000 rows of four columns are about 600 KB).</summary>
    public long MaxRosterBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Most data rows accepted in one roster.</summary>
    public int MaxRosterRows { get; set; } = 20_000;
}
