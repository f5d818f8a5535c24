using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Layout;
using ScorePortal.Components.Pages;
using ScorePortal.Components.Shared;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Components;

public sealed class SharedComponentTests : PortalTestContext
{
    [Fact]
    public void One_form_error_is_announced_as_an_alert()
    {
        var cut = Render<FormErrors>(p => p.Add(c => c.Errors, ["请输入电子邮箱。"]));

        var alert = cut.Find("[role=alert]");
        Assert.Equal("请输入电子邮箱。", alert.TextContent.Trim());
        Assert.Empty(cut.FindAll("li"));
    }

    [Fact]
    public void Several_form_errors_are_listed()
    {
        var cut = Render<FormErrors>(p => p.Add(c => c.Errors, ["a", "b", "c"]));

        Assert.Equal(3, cut.FindAll("[role=alert] li").Count);
    }

    [Fact]
    public void No_errors_render_nothing()
    {
        var cut = Render<FormErrors>(p => p.Add(c => c.Errors, []));

        Assert.Equal("", cut.Markup.Trim());
    }

    [Fact]
    public void Language_switch_offers_english_on_a_chinese_page_and_returns_to_it()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/Account/Login?returnUrl=%2Fadmin");

        var link = Render<LanguageSwitch>().Find("[data-testid=lang-switch]");

        Assert.Equal("English", link.TextContent.Trim());
        Assert.Equal("/culture/en-US?returnUrl=%2FAccount%2FLogin%3FreturnUrl%3D%252Fadmin", link.GetAttribute("href"));
        Assert.Equal("false", link.GetAttribute("data-enhance-nav"));
    }

    [Fact]
    public void Language_switch_offers_chinese_on_an_english_page()
    {
        UseCulture("en-US");

        var link = Render<LanguageSwitch>().Find("[data-testid=lang-switch]");

        Assert.Equal("中文", link.TextContent.Trim());
        Assert.StartsWith("/culture/zh-CN?returnUrl=", link.GetAttribute("href"));
    }

    [Theory]
    [InlineData("zh-CN", 429, "请求过于频繁")]
    [InlineData("en-US", 429, "Too many requests")]
    [InlineData("zh-CN", 503, "系统繁忙")]
    [InlineData("en-US", 404, "Page not found")]
    public void Status_page_explains_the_status_in_the_visitors_language(string culture, int code, string title)
    {
        UseCulture(culture);

        var cut = Render<StatusPage>(p => p.Add(c => c.Code, code));

        Assert.Equal(title, cut.Find("h1").TextContent.Trim());
    }
}
