using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Home;

/// <summary>The FAQ page in both languages, and the links to it from the home page and the lookup.</summary>
public sealed class FaqPageTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<string> GetAsync(string path, string culture)
    {
        using var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.Add("Cookie", $".AspNetCore.Culture=c%3D{culture}%7Cuic%3D{culture}");
        var (status, html) = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, status);
        return WebUtility.HtmlDecode(html);
    }

    [Theory]
    [InlineData("zh-CN", "常见问题", "诈骗", "连续两个考试年度", "Ctrl+P", "Chrome 90", "Firefox 88", "成绩发布日之前")]
    [InlineData("en-US", "Frequently asked questions", "is a fraud", "two consecutive exam years", "Ctrl+P", "Chrome 90", "Firefox 88", "before release day")]
    public async Task The_faq_answers_the_release_day_questions_in_the_reader_s_language(string culture, params string[] phrases)
    {
        var html = await GetAsync("/faq", culture);

        Assert.Contains($"<html lang=\"{culture}\"", html);
        foreach (var phrase in phrases) Assert.Contains(phrase, html);
        foreach (var section in new[] { "faq-free", "faq-validity", "faq-print", "faq-browsers", "faq-early" })
            Assert.Contains($"data-testid=\"{section}\"", html);
        // The validity answer comes from the catalog: the page lists the qualifications that need one sitting, or none.
        Assert.Contains("href=\"/lookup\"", html);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/lookup")]
    public async Task The_home_page_and_the_lookup_link_to_the_faq(string path)
    {
        var html = await GetAsync(path, "zh-CN");

        Assert.Matches("<a [^>]*href=\"/faq\"", html);
    }
}
