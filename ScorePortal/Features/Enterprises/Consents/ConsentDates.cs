using ScorePortal.Localization;

namespace ScorePortal.Features.Enterprises.Consents;

/// <summary>
/// A consent's expiry as the candidate picks it: a calendar day in China time, the consent holding until that day ends
/// (<see cref="Consent.ExpiresAt"/> is the following midnight, UTC+8). The day is today at the earliest and at most
/// <see cref="Consent.MaxDuration"/> ahead; one year ahead by default.
/// </summary>
public static class ConsentDates
{
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(PortalFormat.ToChinaTime(now).DateTime);

    /// <summary>The instant a consent chosen to last through <paramref name="day"/> stops holding.</summary>
    public static DateTimeOffset EndOf(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), PortalFormat.ChinaOffset);

    /// <summary>The last day a consent ending at <paramref name="expiresAt"/> holds.</summary>
    public static DateOnly LastDay(DateTimeOffset expiresAt) => DateOnly.FromDateTime(PortalFormat.ToChinaTime(expiresAt).AddTicks(-1).DateTime);

    /// <summary>The latest day that keeps the consent within <see cref="Consent.MaxDuration"/> of <paramref name="now"/>.</summary>
    public static DateOnly Latest(DateTimeOffset now) => Today(now + Consent.MaxDuration).AddDays(-1);

    public static DateOnly Default(DateTimeOffset now) => Today(now).AddYears(1);

    public static bool IsAllowed(DateOnly day, DateTimeOffset now) => day >= Today(now) && day <= Latest(now);
}
