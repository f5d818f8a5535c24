namespace ScorePortal.Platform.Retention;

/// <summary>
/// One kind of personal data that is kept for a period and then removed or pseudonymized (docs/privacy.md has the
/// table). The retention job (<see cref="RetentionJob"/>) runs every rule in turn under one lease; a rule lives in the
/// feature that owns the data, is registered there with <see cref="RetentionExtensions.AddRetentionRule{T}"/>, and
/// works in batches of <see cref="RetentionPass.BatchSize"/> rows (never everything at once). A rule is idempotent:
/// what it removed is gone, what it pseudonymized no longer matches its query, so a run cut short is finished by the next.
/// </summary>
public interface IRetentionRule
{
    /// <summary>Stable name (<c>unconfirmed-accounts</c>): the key of its count in the audit entry and on the admin page.</summary>
    string Name { get; }

    /// <summary>How long the data is kept after the moment the rule counts from (creation, expiry, closing, delivery).</summary>
    TimeSpan Period { get; }

    /// <summary>Removes or pseudonymizes what is older than <see cref="RetentionPass.Cutoff"/>; returns how many rows (or files) it did.</summary>
    Task<int> RunAsync(RetentionPass pass, CancellationToken ct);
}

/// <summary>One rule's turn: its cutoff (now − <see cref="IRetentionRule.Period"/>), the job's clock and its batch size.</summary>
public sealed record RetentionPass(DateTimeOffset Now, DateTimeOffset Cutoff, int BatchSize);
