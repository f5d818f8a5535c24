using ScorePortal.Model;

namespace ScorePortal.Features.Demo;

public sealed class DemoSeedOptions
{
    /// <summary>Total candidates, the featured ones included.</summary>
    public int Candidates { get; set; } = 3000;

    public int RandomSeed { get; set; } = 2026;
}

/// <summary>What the seeder did; <see cref="Featured"/> is filled even when the database was already seeded.</summary>
public sealed record DemoSeedResult(
    bool Seeded,
    int Candidates,
    int Registrations,
    int SubjectScores,
    int QualificationOutcomes,
    TimeSpan Elapsed,
    IReadOnlyList<DemoCandidate> Featured);

/// <summary>A fixed demo candidate that makes one case of the portal visible.</summary>
public sealed record DemoCandidate(
    string Case,
    IdType IdType,
    string IdNumber,
    string Name,
    string? Email,
    string SessionCode,
    string TicketNumber,
    string QualificationCode,
    string QualificationNameZh,
    string Why);
