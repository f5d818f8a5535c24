using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Localization;

namespace ScorePortal.Features.Enterprises.Portal;

/// <summary>One key of the enterprise with the calls it made today (China Standard Time, the quota's day).</summary>
public sealed record KeyUsage(int Id, string Label, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt, int RateLimitPerMinute, int DailyQuota, int CallsToday)
{
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>The calls of one day: answered (<c>success</c>) and refused (any problem code).</summary>
public sealed record DayUsage(DateOnly Day, int Answered, int Refused)
{
    public int Total => Answered + Refused;
}

/// <summary>How many calls of the period ended with one outcome (<c>success</c> or a problem code).</summary>
public sealed record OutcomeCount(string Outcome, int Calls);

/// <summary>What the enterprise's home page shows: the enterprise, its keys, and the use of the API over <see cref="EnterpriseUsage.Days"/> days.</summary>
public sealed record EnterpriseOverview(int Id, string Name, string CreditCode, string Purpose, DateTimeOffset? SuspendedAt,
    IReadOnlyList<string> AllowedNetworks, IReadOnlyList<KeyUsage> Keys, IReadOnlyList<DayUsage> Days, IReadOnlyList<OutcomeCount> Outcomes);

/// <summary>
/// The figures of the enterprise home page, read from <see cref="ApiAccess"/> (the durable access log). Every query is
/// bound to the one enterprise id the caller resolved on the server (<see cref="EnterpriseMembership.EnterpriseOfAsync"/>),
/// never to an id from the page. Days are calendar days in China Standard Time, like the daily quota.
/// </summary>
public static class EnterpriseUsage
{
    public const int Days = 30;
    public const string Success = "success";

    public static async Task<EnterpriseOverview?> LoadAsync(ScorePortalDbContext db, int enterpriseId, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var enterprise = await db.Enterprises.AsNoTracking().Where(e => e.Id == enterpriseId)
            .Select(e => new { e.Id, e.Name, e.CreditCode, e.Purpose, e.SuspendedAt, e.AllowedNetworks }).FirstOrDefaultAsync(ct);
        if (enterprise is null) return null;

        var today = DayStart(now);
        var calls = await db.ApiAccessLog.AsNoTracking().Where(a => a.EnterpriseId == enterpriseId && a.At >= today)
            .GroupBy(a => a.ApiKeyId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var keys = (await db.ApiKeys.AsNoTracking().Where(k => k.EnterpriseId == enterpriseId).ToListAsync(ct))
            .OrderBy(k => !k.IsUsable(now)).ThenByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)
            .Select(k => new KeyUsage(k.Id, k.Label, k.Prefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt, k.RateLimitPerMinute,
                k.DailyQuota, calls.GetValueOrDefault(k.Id)))
            .ToList();

        // One small grouped count per day: each reads a range of the (EnterpriseId, At) index. The instants are stored as
        // Unix milliseconds, which SQL compares but cannot cut into China days portably.
        var days = new List<DayUsage>(Days);
        for (var i = Days - 1; i >= 0; i--)
        {
            var from = today.AddDays(-i);
            var to = from.AddDays(1);
            var counts = await db.ApiAccessLog.AsNoTracking().Where(a => a.EnterpriseId == enterpriseId && a.At >= from && a.At < to)
                .GroupBy(a => a.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            days.Add(new DayUsage(DateOnly.FromDateTime(PortalFormat.ToChinaTime(from).DateTime),
                counts.Where(c => c.Key == Success).Sum(c => c.Count), counts.Where(c => c.Key != Success).Sum(c => c.Count)));
        }

        var since = today.AddDays(-(Days - 1));
        var outcomes = (await db.ApiAccessLog.AsNoTracking().Where(a => a.EnterpriseId == enterpriseId && a.At >= since)
                .GroupBy(a => a.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            .OrderByDescending(o => o.Count).ThenBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new OutcomeCount(o.Key, o.Count)).ToList();

        return new EnterpriseOverview(enterprise.Id, enterprise.Name, enterprise.CreditCode, enterprise.Purpose, enterprise.SuspendedAt,
            enterprise.AllowedNetworks.Split('\n', StringSplitOptions.RemoveEmptyEntries), keys, days, outcomes);
    }

    /// <summary>Midnight in China Standard Time of the day <paramref name="now"/> falls on, as an instant.</summary>
    public static DateTimeOffset DayStart(DateTimeOffset now)
    {
        var china = PortalFormat.ToChinaTime(now);
        return new DateTimeOffset(china.Year, china.Month, china.Day, 0, 0, 0, PortalFormat.ChinaOffset);
    }
}
