using System.Globalization;

namespace ScorePortal.Localization;

/// <summary>
/// Switches the current thread's culture (formats and resources) for a block and restores both on dispose, also when
/// the block throws: text in a language other than the request's (a mail to a candidate who applied in English, a
/// report in the report's language, a command's <c>--lang</c>) without leaking that language into what runs next.
/// <code>
/// using (CultureScope.Use("en-US"))
/// {
///     subject = localizer["Mail.Linked.Subject"].Value;
/// }
/// </code>
/// The culture flows with the async context, so an <c>await</c> inside the block keeps it, and the caller gets its own
/// back after the block.
/// </summary>
public sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _previous;
    private readonly CultureInfo _previousUi;
    private bool _disposed;

    private CultureScope(CultureInfo culture)
    {
        _previous = CultureInfo.CurrentCulture;
        _previousUi = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
    }

    /// <summary>Formats and resources in <paramref name="culture"/> until the scope is disposed.</summary>
    public static CultureScope Use(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return new CultureScope(culture);
    }

    /// <summary>Formats and resources in the portal culture <see cref="Resolve"/> picks for <paramref name="culture"/>.</summary>
    public static CultureScope Use(string? culture) => new(Resolve(culture));

    /// <summary>
    /// One of the portal's cultures: <paramref name="culture"/> when the portal speaks it (zh-CN, en-US), otherwise the
    /// default zh-CN (a stored culture from an older version, or none).
    /// </summary>
    public static CultureInfo Resolve(string? culture) =>
        CultureInfo.GetCultureInfo(LocalizationExtensions.SupportedCultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase))
                                   ?? LocalizationExtensions.DefaultCulture);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        CultureInfo.CurrentCulture = _previous;
        CultureInfo.CurrentUICulture = _previousUi;
    }
}
