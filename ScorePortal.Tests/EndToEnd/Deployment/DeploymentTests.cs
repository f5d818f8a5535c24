using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd.Deployment;

/// <summary>
/// The production path end to end: Chromium → nginx (TLS, HTTP/2) → the published portal in Production. A candidate's
/// lookup works through the proxy (antiforgery, secure cookies, the real captcha), nothing answers 5xx, HSTS is sent,
/// static assets come compressed and cacheable, and the release-day pages stay light on the wire.
/// </summary>
public sealed class DeploymentTests(DeployedPortal portal) : IClassFixture<DeployedPortal>
{
    [Fact]
    public async Task A_candidate_looks_up_scores_through_nginx_with_tls_and_nothing_fails()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var responses = Record(page);
        var (idNumber, name) = portal.Candidates[0];

        var document = await page.GotoAsync("/lookup");
        Assert.NotNull(document);
        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", idNumber);
        await page.FillAsync("#name", name);
        var token = await page.Locator("[data-captcha]").First.Locator("[data-captcha-token]").InputValueAsync();
        await page.FillAsync("#captcha", portal.CaptchaAnswer(token));
        await page.ClickAsync("[data-testid=lookup-submit]");

        await Assertions.Expect(page.Locator("[data-testid=sheet-name]")).ToHaveTextAsync(name);
        await PlaywrightFixture.ScreenshotAsync(page, "deployment-lookup-result");
        Assert.Empty(responses.Where(r => r.Status >= 500).Select(r => $"{r.Status} {r.Url}"));
        var headers = await document.AllHeadersAsync();
        Assert.Contains("max-age=", headers["strict-transport-security"]);
        var cookies = await context.CookiesAsync();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.True(c.Secure, $"cookie {c.Name} is not Secure"));
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", portal.AppLog);
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{portal.HttpPort}/lookup?x=1");
        request.Headers.Host = $"{DeployedPortal.ServerName}:{portal.HttpPort}";

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri(portal.BaseAddress, "/lookup?x=1"), response.Headers.Location);
    }

    [Fact]
    public async Task Nginx_names_no_version_and_offers_tls_1_2_only_with_aead_suites()
    {
        // Answers of the portal through nginx, and a page nginx writes itself (the redirect to HTTPS).
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, portal.BaseAddress.Port, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler);
        using var page = await client.GetAsync(new Uri(portal.BaseAddress, "/healthz"));
        Assert.Equal("nginx", page.Headers.Server.ToString());
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{portal.HttpPort}/");
        using var redirect = await plain.SendAsync(request);
        Assert.Equal("nginx", redirect.Headers.Server.ToString());
        Assert.DoesNotContain("nginx/", await redirect.Content.ReadAsStringAsync());

        // What a TLS scanner does: offer one TLS 1.2 suite at a time and note which ones the server takes.
        var offered = Enum.GetValues<System.Net.Security.TlsCipherSuite>()
            .Where(c => c.ToString().StartsWith("TLS_ECDHE_", StringComparison.Ordinal) || c.ToString().StartsWith("TLS_RSA_WITH_AES", StringComparison.Ordinal)
                || c.ToString().StartsWith("TLS_DHE_RSA_WITH_AES", StringComparison.Ordinal))
            .Distinct().ToList();
        var accepted = new List<string>();
        foreach (var suite in offered)
        {
            if (await HandshakeAsync(System.Security.Authentication.SslProtocols.Tls12, suite) is { } negotiated) accepted.Add(negotiated.ToString());
        }
        Assert.NotEmpty(accepted);
        Assert.All(accepted, name => Assert.True(name.Contains("_GCM_", StringComparison.Ordinal) || name.Contains("CHACHA20_POLY1305", StringComparison.Ordinal),
            $"TLS 1.2 suite {name} is not AEAD (accepted: {string.Join(", ", accepted)})"));
        Assert.NotNull(await HandshakeAsync(System.Security.Authentication.SslProtocols.Tls13, null));
    }

    /// <summary>The suite the server chose, or null when the handshake with only <paramref name="suite"/> offered failed.</summary>
    private async Task<System.Net.Security.TlsCipherSuite?> HandshakeAsync(System.Security.Authentication.SslProtocols protocol, System.Net.Security.TlsCipherSuite? suite)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Offering chosen TLS suites needs OpenSSL (Linux).");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, portal.BaseAddress.Port);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = DeployedPortal.ServerName,
                EnabledSslProtocols = protocol,
                CipherSuitesPolicy = suite is { } only ? new System.Net.Security.CipherSuitesPolicy([only]) : null,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            return tls.NegotiatedCipherSuite;
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Static_assets_arrive_compressed_and_cached_as_immutable()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();
        var responses = Record(page);

        await page.GotoAsync("/lookup");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var assets = responses.Where(r => r.ResourceType is "stylesheet" or "script").ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            var headers = await asset.Response.AllHeadersAsync();
            Assert.True(headers.TryGetValue("content-encoding", out var encoding) && encoding is "br" or "gzip",
                $"{asset.Url} is sent uncompressed");
            Assert.Contains("immutable", headers.GetValueOrDefault("cache-control", ""), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_release_day_pages_are_light_on_the_wire()
    {
        await using var context = await portal.NewContextAsync();
        var page = await context.NewPageAsync();

        var (lookupFirst, lookupFirstParts) = await BytesOfVisitAsync(page, "/lookup");
        var (lookupRepeat, lookupRepeatParts) = await BytesOfVisitAsync(page, "/lookup");
        await using var homeContext = await portal.NewContextAsync();
        var (homeFirst, homeParts) = await BytesOfVisitAsync(await homeContext.NewPageAsync(), "/");

        var report = $"lookup first visit {lookupFirst} B ({lookupFirstParts}); lookup repeat visit {lookupRepeat} B ({lookupRepeatParts}); " +
            $"home first visit {homeFirst} B ({homeParts})";
        // TestResults/ exists under .ci/run; a plain `dotnet test` from a fresh clone makes it here.
        var results = Directory.CreateDirectory(Path.Combine(PlaywrightFixture.RepositoryRoot(), "TestResults")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, "page-weights.txt"), report + "\n");
        Assert.True(lookupFirst < 30 * 1024, report);
        Assert.True(lookupRepeat < 10 * 1024, report);
        Assert.True(homeFirst < 40 * 1024, report);
    }

    /// <summary>Bytes Chromium received for a visit (every response's headers and body, images included).</summary>
    private static async Task<(long Total, string Parts)> BytesOfVisitAsync(IPage page, string path)
    {
        var finished = new List<IRequest>();
        void OnFinished(object? sender, IRequest request)
        {
            lock (finished) finished.Add(request);
        }
        page.RequestFinished += OnFinished;
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        page.RequestFinished -= OnFinished;
        long total = 0;
        var parts = new List<string>();
        foreach (var request in finished)
        {
            var sizes = await request.SizesAsync();
            var bytes = Math.Max(0, sizes.ResponseHeadersSize) + Math.Max(0, sizes.ResponseBodySize);
            total += bytes;
            parts.Add($"{new Uri(request.Url).AbsolutePath} {bytes}");
        }
        return (total, string.Join(", ", parts));
    }

    private sealed record Seen(string Url, int Status, string ResourceType, IResponse Response);

    private static List<Seen> Record(IPage page)
    {
        var seen = new List<Seen>();
        page.Response += (_, r) =>
        {
            lock (seen) seen.Add(new Seen(r.Url, r.Status, r.Request.ResourceType, r));
        };
        return seen;
    }
}
