using System.Globalization;

namespace ScorePortal.Localization;

/// <summary>Dates and times as candidates read them: exam times are announced in China Standard Time (UTC+8).</summary>
public static class PortalFormat
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToChinaTime(DateTimeOffset value) => value.ToOffset(ChinaOffset);

    public static string DateTime(DateTimeOffset value) =>
        ToChinaTime(value).ToString(CultureInfo.CurrentUICulture.IsEnglish() ? "yyyy-MM-dd HH:mm 'UTC+8'" : "yyyy年M月d日 HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) =>
        value.ToString(CultureInfo.CurrentUICulture.IsEnglish() ? "yyyy-MM-dd" : "yyyy年M月d日", CultureInfo.InvariantCulture);

    public static string DateRange(DateOnly from, DateOnly to) => from == to ? Date(from) : $"{Date(from)} – {Date(to)}";

    /// <summary>Picks the Chinese or English form of a catalog name for the current UI language.</summary>
    public static string Name(string zh, string en) => CultureInfo.CurrentUICulture.IsEnglish() && en.Length > 0 ? en : zh;
}
