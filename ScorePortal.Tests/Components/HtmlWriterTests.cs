using System.Text;
using Microsoft.AspNetCore.Http;
using ScorePortal.Components.StaticHtml;

namespace ScorePortal.Tests.Components;

public sealed class HtmlWriterTests
{
    private static async Task<string> SendAsync(HtmlWriter html)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await html.WriteToAsync(context.Response);
        Assert.Equal("text/html; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.ToArray());
    }

    [Fact]
    public async Task Text_and_attributes_are_encoded_and_chinese_stays_readable()
    {
        using var html = new HtmlWriter();
        html.Raw("<p").Attr("title", "a\"b<c>&").Raw(">").Text("张伟 <b>&").Raw("</p>");

        Assert.Equal("<p title=\"a&quot;b&lt;c&gt;&amp;\">张伟 &lt;b&gt;&amp;</p>", await SendAsync(html));
    }

    [Fact]
    public async Task Long_pages_keep_every_character_across_buffer_chunks()
    {
        // Extension-B characters (surrogate pairs) written raw at every offset, so some straddle the buffer's chunks.
        var expected = new StringBuilder();
        using var html = new HtmlWriter();
        for (var i = 0; i < 20_000; i++)
        {
            var piece = i % 3 == 0 ? "\U00020BB7" : i % 3 == 1 ? "杨" : "a";
            html.Raw(piece);
            expected.Append(piece);
        }

        Assert.Equal(expected.ToString(), await SendAsync(html));
    }
}
