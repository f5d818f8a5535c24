namespace ScorePortal.Platform.Caching;

/// <summary>
/// The caches of derived data (catalog and session snapshots, statistics) when several instances share one Redis
/// (configuration section "Redis:Cache"; used only when <c>Redis:Configuration</c> is set, see docs/scale.md).
/// </summary>
public sealed class SharedCacheOptions
{
    public const string Section = "Redis:Cache";

    /// <summary>
    /// While this instance cannot reach Redis it hears no other instance's removals: no entry it caches meanwhile lives
    /// longer than this, so it shows another instance's catalog edit or publication at most this late.
    /// </summary>
    public TimeSpan ExpiryWhileAlone { get; set; } = TimeSpan.FromSeconds(5);
}
