using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;
using ScorePortal.Localization;

namespace ScorePortal.Features.Reports;

/// <summary>
/// The report's own words (keys <c>Report.*</c> and the exam's name) in the report's language, which is the
/// language of the content, not of the request that happens to render it (a batch job, a benchmark). Read once per
/// culture: the resource manager takes a lock per lookup.
/// </summary>
public sealed class ReportLabels(IStringLocalizer<SharedResource> localizer)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _byCulture = new(StringComparer.Ordinal);

    /// <summary>The culture a report is drawn in: en-US for English, otherwise the portal's default zh-CN.</summary>
    public static CultureInfo CultureOf(string culture) =>
        CultureInfo.GetCultureInfo(culture.StartsWith("en", StringComparison.OrdinalIgnoreCase)
            ? LocalizationExtensions.EnglishCulture
            : LocalizationExtensions.DefaultCulture);

    public IReadOnlyDictionary<string, string> For(CultureInfo culture) =>
        _byCulture.GetOrAdd(culture.Name, static (name, l) => Read(l, CultureInfo.GetCultureInfo(name)), localizer);

    private static IReadOnlyDictionary<string, string> Read(IStringLocalizer localizer, CultureInfo culture)
    {
        // The localizer reads CurrentUICulture, which is thread-local: switched for the read only.
        using var _ = CultureScope.Use(culture);
        var texts = localizer.GetAllStrings(includeParentCultures: true)
            .Select(s => s.Name)
            .Where(n => n.StartsWith("Report.", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToDictionary(n => n, n => localizer[n].Value, StringComparer.Ordinal);
        texts["App.Subtitle"] = localizer["App.Subtitle"].Value;
        return texts;
    }
}
