using System.Globalization;

namespace ScorePortal.Features.ShareLinks;

/// <summary>
/// How long a link stays valid, chosen by the holder: a preset (1, 7, 30 or 365 days from now) or a last day (China
/// time; valid until that day ends). Anything shorter than one day or longer than one year from now is refused here,
/// on the server, whatever the form sent.
/// </summary>
public static class ShareLinkValidity
{
    /// <summary>The presets offered, in days.</summary>
    public static readonly IReadOnlyList<int> PresetDays = [1, 7, 30, 365];

    /// <summary>The form value that means "until the date given".</summary>
    public const string UntilDate = "date";

    public static readonly TimeSpan Shortest = TimeSpan.FromDays(1);

    public static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>The expiry for a choice, or null when the choice is not allowed (unknown preset, date out of range).</summary>
    /// <param name="choice">A preset's number of days as text, or <see cref="UntilDate"/>.</param>
    /// <param name="lastDay">The last valid day when <paramref name="choice"/> is <see cref="UntilDate"/>.</param>
    public static DateTimeOffset? ExpiryOf(string? choice, DateOnly? lastDay, DateTimeOffset now)
    {
        if (choice == UntilDate)
        {
            if (lastDay is not { } day) return null;
            // The end of that day in China time: the first instant of the next one.
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), ChinaOffset).ToUniversalTime();
            return end - now >= Shortest && end - now <= Longest + TimeSpan.FromDays(1) && day <= LastAllowedDay(now) ? end : null;
        }
        return int.TryParse(choice, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && PresetDays.Contains(days)
            ? now + TimeSpan.FromDays(days)
            : null;
    }

    /// <summary>The first day the date field accepts (tomorrow, China time).</summary>
    public static DateOnly FirstAllowedDay(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime).AddDays(1);

    /// <summary>The last day the date field accepts (one year from today, China time).</summary>
    public static DateOnly LastAllowedDay(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime).AddDays(365);
}
