using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;

namespace ScorePortal.Localization;

/// <summary>
/// The portal's resource strings for pages written without the Blazor renderer, remembered per UI culture: a resource
/// lookup takes a lock inside ResourceManager, which a page of forty strings under release-day load should not.
/// </summary>
public sealed class CachedTexts(IStringLocalizer<SharedResource> localizer)
{
    private readonly ConcurrentDictionary<(string Culture, string Key), string> _texts = new();

    public string this[string key] =>
        _texts.GetOrAdd((CultureInfo.CurrentUICulture.Name, key), static (k, l) => l[k.Key].Value, localizer);

    /// <summary>A resource with placeholders, formatted like <see cref="IStringLocalizer"/> does (current culture).</summary>
    public string Format(string key, params object?[] arguments) =>
        string.Format(CultureInfo.CurrentCulture, this[key], arguments);
}
