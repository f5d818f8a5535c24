using System.Net;
using Microsoft.Playwright;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// Checks the browser plumbing on its own, so that a failing end-to-end test means a page is wrong,
/// not that Chromium, the Playwright driver or the Kestrel port is.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlaywrightFixtureTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task Portal_listens_on_a_loopback_port()
    {
        Assert.Equal(IPAddress.Loopback.ToString(), browser.BaseAddress.Host);
        Assert.NotEqual(0, browser.BaseAddress.Port);

        using var http = new HttpClient { BaseAddress = browser.BaseAddress };
        using var response = await http.GetAsync("/no-such-page-" + Guid.NewGuid().ToString("N"));

        // Any answer proves Kestrel is serving; a missing route is the answer that does not depend on pages.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Chromium_clicks_and_takes_a_phone_sized_screenshot()
    {
        var page = await browser.NewPageAsync(mobile: true);
        await page.SetContentAsync("""
            <html lang="zh-CN"><head><title>成绩查询</title><meta name="viewport" content="width=device-width"></head>
            <body><button onclick="this.textContent='已查询'">查询</button>
            <script>window.Blazor = {};</script></body></html>
            """);
        await PlaywrightFixture.WaitForBlazorInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Button)).ToHaveTextAsync("已查询");
        Assert.Equal(PlaywrightFixture.MobileWidth, await page.EvaluateAsync<int>("() => window.innerWidth"));
        var path = await PlaywrightFixture.ScreenshotAsync(page, "fixture-self-test");
        Assert.True(new FileInfo(path).Length > 0);
    }
}
