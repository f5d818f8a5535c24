namespace ScorePortal.Features.ServiceStatus;

public sealed class ServiceStatusOptions
{
    public const string Section = "ServiceStatus";

    /// <summary>How long one instance reuses the figures it computed (and browsers keep the page): a flood of status
    /// requests costs one computation per period.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The published target for the lookup's 95th percentile (issue #22: 250 ms).</summary>
    public int LookupTargetMilliseconds { get; set; } = 250;

    /// <summary>How many sessions the page lists (newest first), like the home page.</summary>
    public int SessionsShown { get; set; } = 6;
}
