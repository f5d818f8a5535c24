using Microsoft.Extensions.Caching.Hybrid;

namespace ScorePortal.Features.Results;

/// <summary>
/// The caches that hold figures derived from published results. Whoever changes which scores are current (publication,
/// retraction, a review decision, a pass-line edit) clears them after its commit, so the next read recomputes; with
/// several instances on one Redis the removal reaches every instance (<c>Platform/Caching/SharedHybridCache</c>).
/// </summary>
public static class ResultCaches
{
    /// <summary>HybridCache tag of the statistics pages (pass rates per session, province and subject).</summary>
    public const string AnalyticsTag = "analytics";

    /// <summary>After a commit that changed current scores: session states and statistics are read afresh.</summary>
    public static async Task AfterResultsChangedAsync(SessionCatalog sessionCatalog, HybridCache cache)
    {
        await sessionCatalog.InvalidateAsync(CancellationToken.None);
        await cache.RemoveByTagAsync(AnalyticsTag, CancellationToken.None);
    }
}
