namespace ScorePortal.Features.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the catalog, sessions, candidates and demo accounts at start (Development only).</summary>
    public bool Seed { get; set; }

    public int Candidates { get; set; } = 3000;

    /// <summary>
    /// With <see cref="Seed"/>: give every demo role work on the first start (a linked record, reviews in the staff
    /// queue and with the experts, a batch awaiting a second admin; <c>DemoWork</c>).
    /// </summary>
    public bool Work { get; set; } = true;

    /// <summary>Password of every demo account; required when Seed is on.</summary>
    public string? Password { get; set; }
}
