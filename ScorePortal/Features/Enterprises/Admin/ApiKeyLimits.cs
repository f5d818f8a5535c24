using ScorePortal.Components.Forms;

namespace ScorePortal.Features.Enterprises.Admin;

/// <summary>
/// The per-key limits an admin sets: calls per minute and calls per calendar day (China Standard Time). The defaults
/// suit an HR system checking new hires one at a time; a payroll run over a whole workforce gets a larger quota. The
/// bounds keep a typo from handing out an unlimited key.
/// </summary>
public static class ApiKeyLimits
{
    public const int DefaultRatePerMinute = 60;
    public const int DefaultDailyQuota = 5_000;
    public const int MaxRatePerMinute = 6_000;
    public const int MaxDailyQuota = 1_000_000;

    public const string RateRange = "EnterpriseAdmin.Error.RateRange";
    public const string QuotaRange = "EnterpriseAdmin.Error.QuotaRange";

    public static void Validate(EditValidator check, int ratePerMinute, int dailyQuota)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (ratePerMinute is < 1 or > MaxRatePerMinute) check.Add(nameof(ApiKey.RateLimitPerMinute), RateRange, MaxRatePerMinute);
        if (dailyQuota is < 1 or > MaxDailyQuota) check.Add(nameof(ApiKey.DailyQuota), QuotaRange, MaxDailyQuota);
    }
}
