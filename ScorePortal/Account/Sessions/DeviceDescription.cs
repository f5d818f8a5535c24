namespace ScorePortal.Account.Sessions;

/// <summary>
/// A browser's User-Agent in plain words: its family, its system's family and whether it is a phone or tablet. Only
/// these three are kept (never the header itself): enough for a person to recognise their own devices.
/// </summary>
public sealed record DeviceDescription(string Browser, string System, bool Mobile)
{
    public const string Other = "other";

    // The first match wins: Edge, Opera, WeChat and Samsung's browser also say "Chrome", and Chrome also says "Safari".
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("MicroMessenger", "WeChat"), ("Edg", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"), ("SamsungBrowser", "Samsung Internet"),
        ("UCBrowser", "UC Browser"), ("QQBrowser", "QQ Browser"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"), ("Chrome/", "Chrome"), ("Chromium", "Chrome"), ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("HarmonyOS", "HarmonyOS"), ("OpenHarmony", "HarmonyOS"), ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"),
        ("iPad", "iPadOS"), ("iPod", "iOS"), ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    public static DeviceDescription Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return new(Other, Other, false);
        var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.Ordinal)).Name ?? Other;
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name ?? Other;
        var mobile = userAgent.Contains("Mobile", StringComparison.Ordinal) || system is "Android" or "iOS" or "iPadOS";
        return new(browser, system, mobile);
    }
}
