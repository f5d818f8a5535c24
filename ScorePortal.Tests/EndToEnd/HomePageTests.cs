using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class HomePageTests(PlaywrightFixture browser)
{
    [Fact]
    public async Task Home_page_opens_in_chinese_with_its_title_heading_lookup_button_and_sessions()
    {
        var page = await browser.NewPageAsync();
        // Chromium turns an error status with an empty body into a navigation exception; asking over HTTP
        // first makes such a failure read "expected 200, got 404".
        var probe = await page.Context.APIRequest.GetAsync("/");
        Assert.Equal((int)HttpStatusCode.OK, probe.Status);

        var response = await page.GotoAsync("/");

        Assert.NotNull(response);
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
        // The home page itself, in the default language: not an error page or a login page that also has a title.
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("软考成绩查询", await page.TitleAsync());
        Assert.Equal("考试成绩查询", (await page.Locator("h1").InnerTextAsync()).Trim());
        Assert.Equal("/lookup", await page.GetByTestId("home-lookup").GetAttributeAsync("href"));
        Assert.True(await page.GetByTestId("home-lookup").IsVisibleAsync(), "the lookup button is not visible");
        // The demo portal has three sessions; the home page lists each with its release time.
        Assert.Equal(3, await page.Locator("[data-testid=sessions] tbody tr").CountAsync());
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
