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

    [Fact]
    public async Task An_unknown_language_falls_back_to_chinese()
    {
        using var client = new BrowserlessClient(portal);

        using var _ = await client.Http.GetAsync("/culture/xx-YY?returnUrl=%2F");
        var (_, html) = await client.GetAsync("/");

        Assert.Contains("<html lang=\"zh-CN\">", html);
    }
}
