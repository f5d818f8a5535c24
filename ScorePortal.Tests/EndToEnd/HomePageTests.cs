using System.Net;
using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class HomePageTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task Home_page_opens_with_a_language_and_a_title()
    {
        var page = await browser.NewPageAsync();
        // Chromium turns an error status with an empty body into a navigation exception; asking over HTTP
        // first makes such a failure read "expected 200, got 404".
        var probe = await page.Context.APIRequest.GetAsync("/");
        Assert.Equal((int)HttpStatusCode.OK, probe.Status);

        var response = await page.GotoAsync("/");

        Assert.NotNull(response);
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        var lang = await page.Locator("html").GetAttributeAsync("lang");
        Assert.False(string.IsNullOrWhiteSpace(lang), "<html> has no lang attribute");
        Assert.False(string.IsNullOrWhiteSpace(await page.TitleAsync()), "the page has no <title>");
        await PlaywrightFixture.ScreenshotAsync(page, "home-desktop");
    }

    [Fact]
    public async Task Home_page_fits_a_360_pixel_phone()
    {
        var page = await browser.NewPageAsync(mobile: true);
        Assert.Equal((int)HttpStatusCode.OK, (await page.Context.APIRequest.GetAsync("/")).Status);

        var response = await page.GotoAsync("/");

        Assert.Equal((int)HttpStatusCode.OK, response?.Status);
        // A horizontal scroll bar on a phone means something on the page is wider than the screen.
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= PlaywrightFixture.MobileWidth, $"page is {scrollWidth}px wide on a {PlaywrightFixture.MobileWidth}px screen");
        await PlaywrightFixture.ScreenshotAsync(page, "home-mobile");
    }
}
