namespace ScorePortal.Features.Enterprises.Api;

/// <summary>Settings of the enterprise API (configuration section <c>EnterpriseApi</c>); docs/enterprise-api.md.</summary>
public sealed class EnterpriseApiOptions
{
    public const string Section = "EnterpriseApi";

    /// <summary>
    /// Requests without a usable key (no bearer, a malformed or unknown key) one client address may send per minute
    /// before every further request from it is refused with <c>rate_limited</c> without a database lookup; <c>0</c> = no
    /// limit. The only per-address limit of the API: calls with a valid key are governed by their key's limits.
    /// </summary>
    public int InvalidKeyAttemptsPerAddressPerMinute { get; set; } = 60;

    /// <summary>How often at most a key's <c>LastUsedAt</c> is written (per key, across instances through the limits store).</summary>
    public TimeSpan LastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Serve the OpenAPI document (<c>/openapi/v1.json</c>) and the reference page (<c>/api/docs</c>).</summary>
    public bool Reference { get; set; } = true;

    internal static bool AreValid(EnterpriseApiOptions o) =>
        o.InvalidKeyAttemptsPerAddressPerMinute >= 0 && o.LastUsedResolution > TimeSpan.Zero;
}
