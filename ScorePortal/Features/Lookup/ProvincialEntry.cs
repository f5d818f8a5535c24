using ScorePortal.Features.Results;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The provincial exam sites' link into the lookup (their "备用入口", alternate entrance):
/// <c>/lookup?session=2026H1&amp;from=44</c> opens the lookup with that session chosen and says which provincial
/// site sent the visitor (docs/provincial-links.md). Both values are checked before use: the session against the
/// sessions the form offers, the province against the province list (two ASCII digits with an exam center); anything
/// else is ignored, never echoed. Only a request that carries <c>from</c> reads the (cached) catalog snapshot.
/// </summary>
public static class ProvincialEntry
{
    public const string SessionParameter = "session";
    public const string FromParameter = "from";

    /// <summary>The link a provincial site publishes: the portal's address, the lookup, the session and the province.</summary>
    public static string Link(string portalBaseUri, string sessionCode, string provinceCode) =>
        $"{portalBaseUri.TrimEnd('/')}/lookup?{SessionParameter}={Uri.EscapeDataString(sessionCode)}&{FromParameter}={Uri.EscapeDataString(provinceCode)}";

    /// <summary>The session the link asks for, when the form offers it (in the offered spelling); else null.</summary>
    internal static string? Session(HttpContext http, IReadOnlyList<SessionInfo> offered)
    {
        var asked = http.Request.Query[SessionParameter].ToString().Trim();
        if (asked.Length is 0 or > 16) return null;
        return offered.FirstOrDefault(s => string.Equals(s.Code, asked, StringComparison.OrdinalIgnoreCase))?.Code;
    }

    /// <summary>The exam center of the province that sent the visitor, when <c>from</c> names a known province; else null.</summary>
    internal static async ValueTask<ExamCenterContact?> SenderAsync(HttpContext http, ResultCatalog catalog, CancellationToken ct)
    {
        var from = http.Request.Query[FromParameter].ToString();
        if (from.Length != 2 || !char.IsAsciiDigit(from[0]) || !char.IsAsciiDigit(from[1])) return null;
        var snapshot = await catalog.GetAsync(ct);
        return snapshot.Centers.TryGetValue(from, out var center) ? center : null;
    }
}
