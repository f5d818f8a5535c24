using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Components;

/// <summary>
/// The lookup pages write their frame by hand (PortalDocument, for release-day speed); every other public page gets
/// it from MainLayout. Both must render the same frame: the same landmarks, links and classes around the content.
/// </summary>
public sealed class LayoutParityTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en-US")]
    public async Task The_hand_written_frame_of_the_lookup_page_matches_the_blazor_layout(string culture)
    {
        using var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.Add("Cookie", $".AspNetCore.Culture=c%3D{culture}%7Cuic%3D{culture}");

        var (_, blazor) = await client.GetAsync("/");
        var (_, handWritten) = await client.GetAsync("/lookup");

        var expected = Frame(blazor);
        var actual = Frame(handWritten);
        Assert.NotEmpty(expected);
        Assert.Contains(expected, line => line.StartsWith("header", StringComparison.Ordinal));
        Assert.Contains(expected, line => line.StartsWith("footer", StringComparison.Ordinal));
        Assert.Contains(expected, line => line.Contains("href=\"/culture/", StringComparison.Ordinal));
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// Everything of the page outside &lt;main&gt;, and &lt;main&gt; itself, as one line per element: tag, landmark role,
    /// classes, link target, language and test id — the text included for the chrome, not for the content. The
    /// language switch's return address and the skip link's path name the page, so they are left out of their links.
    /// </summary>
    private static List<string> Frame(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var lines = new List<string>();
        foreach (var element in document.Body!.Descendants<IElement>())
        {
            // Scripts differ by design (the lookup page loads only its own); Blazor's runtime adds its own elements.
            if (element.TagName is "SCRIPT" or "TEMPLATE" || element.LocalName.StartsWith("blazor-", StringComparison.Ordinal)
                || element.Closest("main") is { } main && main != element)
                continue;
            var href = element.GetAttribute("href") is { } h ? h.Split("?returnUrl=")[0] : null;
            // The skip link points into the page it is on (path + #main): compare where in the page, not which page.
            if (href is not null && href.Contains('#', StringComparison.Ordinal)) href = href[href.IndexOf('#', StringComparison.Ordinal)..];
            var text = element.Children.Length == 0 && element.TagName != "MAIN" ? element.TextContent.Trim() : "";
            lines.Add($"{element.LocalName} role={element.GetAttribute("role")} id={element.Id} class=\"{string.Join(' ', element.ClassList.Order(StringComparer.Ordinal))}\" "
                + $"href=\"{href}\" lang={element.GetAttribute("lang")} aria-label={element.GetAttribute("aria-label")} testid={element.GetAttribute("data-testid")} text={text}");
        }
        return lines;
    }
}
