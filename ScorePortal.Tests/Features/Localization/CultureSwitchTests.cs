using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Localization;

public sealed class CultureSwitchTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Pages_are_chinese_by_default_even_for_an_english_browser()
    {
        using var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US,en;q=0.9");

        var (status, html) = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("登录", html);
    }

    [Fact]
    public async Task Switching_to_english_sets_a_cookie_and_returns_to_the_same_page()
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync("/culture/en-US?returnUrl=%2FAccount%2FLogin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.RedirectTarget());
        var (_, html) = await client.GetAsync("/Account/Login");
        Assert.Contains("<html lang=\"en-US\">", html);
        Assert.Contains("Sign in", html);

        using var back = await client.Http.GetAsync("/culture/zh-CN?returnUrl=%2F");
        var (_, chinese) = await client.GetAsync("/Account/Login");
        Assert.Contains("<html lang=\"zh-CN\">", chinese);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task The_language_switch_never_redirects_off_the_portal(string returnUrl)
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync($"/culture/en-US?returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal("/", response.RedirectTarget());
    }

    /// <summary>Browsers drop tabs and line breaks from a URL: each of these would leave the portal or split the header.</summary>
    [Theory]
    [InlineData("/%09/evil.example")]
    [InlineData("/%09%09/evil.example")]
    [InlineData("/%0d%0a/evil.example")]
    [InlineData("/Account/Login%0d%0aSet-Cookie:%20x=1")]
    [InlineData("/%5c/evil.example")]
    [InlineData("%2f%2fevil.example")]
    public async Task The_language_switch_refuses_return_urls_with_control_characters(string encodedReturnUrl)
    {
        using var client = new BrowserlessClient(portal);

        using var response = await client.Http.GetAsync($"/culture/en-US?returnUrl={encodedReturnUrl}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.RedirectTarget());
    }

    [Theory]
    [InlineData("/\t/evil")]
    [InlineData("/\t\t/evil.example")]
    [InlineData("//evil")]
    [InlineData("/\\evil")]
    [InlineData("\\\\evil")]
    [InlineData("/\\/evil")]
    [InlineData("/\r\n/evil")]
    [InlineData("/Account/Login\r\nSet-Cookie: x=1")]
    [InlineData("/me\u0000")]
    [InlineData("/me\u007f")]
    [InlineData("/me\u0085")]
    [InlineData("https://evil.example")]
    [InlineData("evil.example")]
    [InlineData("~//evil")]
    [InlineData(" /evil")]
    [InlineData("")]
    public void Safe_local_url_refuses_everything_that_could_leave_the_portal(string url) =>
        Assert.Equal("/", ScorePortal.Localization.LocalizationExtensions.SafeLocalUrl(url));

    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/me/reports?tab=1&x=%2F%2F")]
    [InlineData("/lookup#result")]
    [InlineData("/查询")]
    public void Safe_local_url_keeps_local_paths(string url) =>
        Assert.Equal(url, ScorePortal.Localization.LocalizationExtensions.SafeLocalUrl(url));

    [Fact]
    public async Task An_unknown_language_falls_back_to_chinese()
    {
        using var client = new BrowserlessClient(portal);

        using var _ = await client.Http.GetAsync("/culture/xx-YY?returnUrl=%2F");
        var (_, html) = await client.GetAsync("/");

        Assert.Contains("<html lang=\"zh-CN\">", html);
    }
}
