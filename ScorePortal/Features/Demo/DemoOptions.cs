namespace ScorePortal.Features.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the catalog, sessions, candidates and demo accounts at start (Development only).</summary>
    public bool Seed { get; set; }

    public int Candidates { get; set; } = 3000;

    /// <summary>Password of every demo account; required when Seed is on.</summary>
    public string? Password { get; set; }
}
