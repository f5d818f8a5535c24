using Microsoft.Playwright;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class LookupTests(PlaywrightFixture browser)
{
    private static async Task LookUpYangJiAsync(IPage page, List<string> sockets)
    {
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await page.GotoAsync("/");
        await page.ClickAsync("[data-testid=home-lookup]");
        await page.WaitForURLAsync("**/lookup");

        await page.SelectOptionAsync("#idtype", "ResidentId");
        await page.FillAsync("#idnumber", "320102199211083808");
        await page.FillAsync("#name", "杨U+20BB7");
        await page.FillAsync("#captcha", PortalFactory.CaptchaTestAnswer);
        await page.ClickAsync("[data-testid=lookup-submit]");

        await page.WaitForSelectorAsync("[data-testid=result-sheet]");
    }

    [Fact]
    public async Task Candidate_with_an_extension_b_name_finds_the_result_sheet_without_a_circuit()
    {
        var page = await browser.NewPageAsync();
        var sockets = new List<string>();

        await LookUpYangJiAsync(page, sockets);

        Assert.Equal("杨\U00020BB7", await page.TextContentAsync("[data-testid=sheet-name]"));
        Assert.Equal("320102********3808", await page.TextContentAsync("[data-testid=sheet-id]"));
        Assert.DoesNotContain(sockets, url => url.Contains("/_blazor", StringComparison.Ordinal));
        await PlaywrightFixture.ScreenshotAsync(page, "lookup-result-desktop");
    }

    [Fact]
    public async Task Result_sheet_fits_a_360_pixel_phone()
    {
        var page = await browser.NewPageAsync(mobile: true);
        var sockets = new List<string>();

        await LookUpYangJiAsync(page, sockets);

        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= PlaywrightFixture.MobileWidth, $"page is {scrollWidth}px wide on a {PlaywrightFixture.MobileWidth}px screen");
        Assert.Empty(sockets);
        await PlaywrightFixture.ScreenshotAsync(page, "lookup-result-mobile");
    }
}
