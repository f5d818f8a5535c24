namespace ScorePortal.Platform.Leases;

/// <summary>Leases (configuration section "Leases"); they live in Redis only when <c>Redis:Configuration</c> is set.</summary>
public sealed class LeaseOptions
{
    public const string Section = "Leases";

    /// <summary>
    /// How long a lease outlives an instance that stopped extending it (crashed, or cut off from Redis): then another
    /// instance may take it. The holder extends it every third of this while it works.
    /// </summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromSeconds(30);
}
