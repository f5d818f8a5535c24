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
