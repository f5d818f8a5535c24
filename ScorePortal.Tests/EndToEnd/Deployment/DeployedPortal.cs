using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScorePortal.Features.Captcha;
using ScorePortal.Platform.Limits;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Deployment;

/// <summary>
/// The portal as an operator deploys it (deploy/test-deployment.sh): published in Release, keys from generate-keys,
/// Production, SQLite, behind nginx with TLS for https://portal.test, reached by Chromium through
/// <c>--host-resolver-rules</c>. Free ports are picked per run; everything is stopped and deleted afterwards.
/// </summary>
public sealed class DeployedPortal : IAsyncLifetime
{
    public const string ServerName = "portal.test";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "deploy-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = null!;

    public int HttpPort { get; private set; }

    /// <summary>(ID number, name) of candidates in the deployed database, from the data generator's sample.</summary>
    public IReadOnlyList<(string IdNumber, string Name)> Candidates { get; private set; } = [];

    public string AppLog => File.Exists(Path.Combine(_directory, "app.log")) ? File.ReadAllText(Path.Combine(_directory, "app.log")) : "";

    private CaptchaService _captcha = null!;

    public async Task InitializeAsync()
    {
        var (httpsPort, httpPort, appPort) = (FreePort(), FreePort(), FreePort());
        HttpPort = httpPort;
        var output = await RunScriptAsync("up", httpsPort, httpPort, appPort);
        if (!output.Contains("DEPLOYED ")) throw new InvalidOperationException("deploy/test-deployment.sh up failed:\n" + output);
        BaseAddress = new Uri($"https://{ServerName}:{httpsPort}/");

        Candidates = File.ReadAllLines(Path.Combine(_directory, "lookups.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => (f[1], f[2])).ToList();

        // The operator's keys open the captcha's tokens: the test answers like a person reading the image.
        var keys = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "keys", GenerateKeysCommand.KeysFileName)))!;
        var derivation = new KeyDerivation(Convert.FromBase64String((string)keys["Security"]!["DerivationKey"]!));
        _captcha = new CaptchaService(derivation, TimeProvider.System, Options.Create(new CaptchaOptions()), new MemoryLimitsStore(TimeProvider.System));

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PlaywrightFixture.ChromiumPath,
            Headless = true,
            Args = [.. PlaywrightFixture.ChromiumArgs, $"--host-resolver-rules=MAP {ServerName} 127.0.0.1"],
        });
    }

    /// <summary>The captcha answer a person would read off the image of <paramref name="token"/>.</summary>
    public string CaptchaAnswer(string token) =>
        _captcha.AnswerFor(token) ?? throw new InvalidOperationException("The deployed portal's captcha token does not open with its keys.");

    /// <summary>A fresh browser profile (no cache, no cookies), Chinese, trusting the self-signed certificate.</summary>
    public async Task<IBrowserContext> NewContextAsync(string locale = "zh-CN")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            IgnoreHTTPSErrors = true,
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await RunScriptAsync("down", 0, 0, 0);
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private async Task<string> RunScriptAsync(string verb, int httpsPort, int httpPort, int appPort)
    {
        var root = PlaywrightFixture.RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "deploy", "test-deployment.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["DEPLOY_OUT"] = _directory;
        start.Environment["SERVER_NAME"] = ServerName;
        if (httpsPort > 0)
        {
            start.Environment["HTTPS_PORT"] = httpsPort.ToString();
            start.Environment["HTTP_PORT"] = httpPort.ToString();
            start.Environment["APP_PORT"] = appPort.ToString();
        }
        // The test host's own settings must not leak into the deployed portal.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "DOTNET_ENVIRONMENT").ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        return await stdout + await stderr;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
