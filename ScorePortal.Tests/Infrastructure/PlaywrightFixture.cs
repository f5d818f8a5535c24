using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ScorePortal.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<PlaywrightFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// One portal on a real Kestrel port and one Debian Chromium, shared by every test in the
/// <see cref="BrowserCollection"/>. Each page gets its own browser context (cookies, storage),
/// so tests do not see each other's sign-ins or language choice.
/// </summary>
public class PlaywrightFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A small phone: the narrowest width the public pages are laid out for.</summary>
    public const int MobileWidth = 360;

    // Without the background-networking flags Chromium keeps trying Google's hosts, which this machine's
    // closed network refuses; --no-sandbox because tests and CI run as root.
    internal static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly List<IBrowserContext> _contexts = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>
    /// End-to-end flows (sign-in, TOTP enrollment, lookups) need the demo accounts and some candidates;
    /// 200 keep the start within a second or two.
    /// </summary>
    public PortalFactory Portal { get; }

    public PlaywrightFixture() : this(new Dictionary<string, string?>())
    {
    }

    /// <param name="settings">More settings for this fixture's portal, over the browser tests' own (a fixture of its own).</param>
    protected PlaywrightFixture(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            [PortalFactory.DemoSeed] = "true",
            [PortalFactory.DemoCandidates] = "200",
            // The admin flow watches a live alert arrive: this monitor keeps its production threshold here.
            ["Anomaly:WrongCaptchasPerAddress"] = "20",
        };
        foreach (var (key, value) in settings) all[key] = value;
        Portal = PortalFactory.With(all);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The host name the browser uses for the portal instead of the bound address (null: the address).</summary>
    protected virtual string? HostName => null;

    /// <summary>The SMTP server the portal sends to: a browser test reads the mail a person would get.</summary>
    public SmtpTestServer Mailbox => Portal.Mailbox;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async Task InitializeAsync()
    {
        // .NET 10's WebApplicationFactory can host on Kestrel instead of TestServer; port 0 lets the OS pick a
        // free port so parallel runs on one machine do not collide.
        Portal.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Portal.StartServer();
        var addresses = Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without reporting a listening address.");
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
        // Kestrel reports the address it bound (127.0.0.1); a fixture may name the same socket by host name instead.
        if (HostName is { } host) BaseAddress = new UriBuilder(BaseAddress) { Host = host }.Uri;

        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: install Debian's browser with `apt-get install -y chromium` (.ci/run does).");

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A page in a fresh context whose relative URLs resolve against the portal.</summary>
    /// <param name="mobile">A 360 px wide touch phone instead of a desktop window.</param>
    /// <param name="locale">The browser's Accept-Language and navigator.language, e.g. "en-US".</param>
    public async Task<IPage> NewPageAsync(bool mobile = false, string locale = "zh-CN")
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            ViewportSize = mobile ? new ViewportSize { Width = MobileWidth, Height = 780 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = mobile,
            HasTouch = mobile,
            DeviceScaleFactor = mobile ? 2 : 1,
        };
        var context = await Browser.NewContextAsync(options);
        lock (_contexts) _contexts.Add(context);
        // Generous for a loaded CI machine (the suite also runs beside the lookup benchmark); a quiet one takes a second.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Writes a full-page PNG to TestResults/screenshots/ at the repository root, for a person to look at.
    /// Returns the file's path.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var path = Path.Combine(folder, safe.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? safe : safe + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>
    /// Waits until an interactive (InteractiveServer) page can take clicks: a click sent before the
    /// circuit is up is lost without an error.
    /// </summary>
    /// <remarks>
    /// Without help from the page the best available signal is: blazor.web.js has defined <c>window.Blazor</c>,
    /// and then the network has gone quiet, which follows the SignalR negotiate request and the first render
    /// batch over the WebSocket (Playwright does not count an open WebSocket as network activity).
    /// When a page renders a marker once it is interactive (for example an attribute set in
    /// <c>OnAfterRender(firstRender)</c>, which only runs in an interactive render mode), pass its selector as
    /// <paramref name="readySelector"/>: that is exact, where network quiet is a heuristic.
    /// </remarks>
    public static async Task WaitForBlazorInteractiveAsync(IPage page, string? readySelector = null, float timeoutMs = 30_000)
    {
        await page.WaitForFunctionAsync("() => typeof window.Blazor !== 'undefined'", null,
            new PageWaitForFunctionOptions { Timeout = timeoutMs });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = timeoutMs });
        if (readySelector is not null)
            await page.WaitForSelectorAsync(readySelector, new PageWaitForSelectorOptions
            {
                State = WaitForSelectorState.Attached,
                Timeout = timeoutMs,
            });
    }

    public async Task DisposeAsync()
    {
        List<IBrowserContext> contexts;
        lock (_contexts) contexts = [.. _contexts];
        foreach (var context in contexts)
        {
            try { await context.CloseAsync(); } catch (PlaywrightException) { }
        }
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await Portal.DisposeAsync();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ScorePortal.sln"))) return dir.FullName;
        }
        return AppContext.BaseDirectory;
    }
}
