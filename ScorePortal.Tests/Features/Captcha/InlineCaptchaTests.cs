using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Captcha;
using ScorePortal.Tests.Infrastructure;
using SkiaSharp;

namespace ScorePortal.Tests.Features.Captcha;

/// <summary>
/// Issue #22 item 1: the lookup pages draw their first captcha picture into the page (a BMP <c>data:</c> URL), so a visit
/// is two requests, not three; the drawing is the token's only one, and a page past its address's picture budget links
/// the picture as before.
/// </summary>
public sealed partial class InlineCaptchaTests
{
    [GeneratedRegex("<img src=\"([^\"]*)\"[^>]*data-captcha-image")]
    private static partial Regex Pictures();

    [GeneratedRegex("name=\"(?:Input|Ticket)\\.CaptchaToken\" value=\"([^\"]+)\"")]
    private static partial Regex Tokens();

    private static async Task<(List<string> Pictures, List<string> Tokens)> PageAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        return ([.. Pictures().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))],
            [.. Tokens().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))]);
    }

    [Theory]
    [InlineData("/lookup")]
    [InlineData("/lookup/overseas")]
    public async Task The_first_forms_picture_is_in_the_page_and_is_the_tokens_only_drawing(string path)
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();

        var (pictures, tokens) = await PageAsync(client, path);

        const string prefix = "data:image/bmp;base64,";
        Assert.StartsWith(prefix, pictures[0]);
        var bytes = Convert.FromBase64String(pictures[0][prefix.Length..]);
        using (var bitmap = SKBitmap.Decode(bytes))
        {
            Assert.Equal(CaptchaImage.Width, bitmap.Width);
            Assert.Equal(CaptchaImage.Height, bitmap.Height);
        }
        // The token's own URL draws no second picture of the same answer (one picture per token); its spoken code still plays.
        using var fetched = await client.GetAsync(CaptchaExtensions.ImageUrl(tokens[0]));
        Assert.Equal(HttpStatusCode.NotFound, fetched.StatusCode);
        if (portal.Services.GetRequiredService<CaptchaAudio>().IsAvailable)
        {
            using var audio = await client.GetAsync(CaptchaExtensions.AudioUrl(tokens[0]));
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        }
        // The main page's ticket form (in its closed disclosure) keeps a lazy link: it is drawn only if opened.
        if (path == "/lookup") Assert.Equal(CaptchaExtensions.ImageUrl(tokens[1]), pictures[1]);
    }

    [Fact]
    public async Task Past_the_addresss_picture_budget_the_page_links_its_picture_instead_of_drawing_it()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { ["Captcha:ImagesPerAddressPerMinute"] = "2" });
        using var client = portal.CreateClient();

        var first = await PageAsync(client, "/lookup");
        var second = await PageAsync(client, "/lookup/overseas");
        var third = await PageAsync(client, "/lookup");

        Assert.StartsWith("data:image/bmp;base64,", first.Pictures[0]);
        Assert.StartsWith("data:image/bmp;base64,", second.Pictures[0]);
        Assert.Equal(CaptchaExtensions.ImageUrl(third.Tokens[0]), third.Pictures[0]);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await client.GetAsync(CaptchaExtensions.ImageUrl(first.Tokens[0]))).StatusCode);
    }
}
