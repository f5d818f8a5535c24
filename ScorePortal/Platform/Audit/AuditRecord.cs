namespace ScorePortal.Platform.Audit;

/// <summary>
/// What a use case reports to the audit log. Never put names, ID numbers, emails or scores here: people are
/// referenced by ids, the source address is stored only as a keyed hash, and <see cref="Data"/> holds outcomes.
/// </summary>
public sealed record AuditRecord(
    string Action,
    string? ActorUserId = null,
    string? ActorRole = null,
    string? TargetType = null,
    string? TargetId = null,
    string? SourceIp = null,
    IReadOnlyDictionary<string, string?>? Data = null);
