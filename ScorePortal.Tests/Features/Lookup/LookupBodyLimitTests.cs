using System.Net;
using System.Text;
using ScorePortal.Features.Lookup;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The lookup posts accept at most 8 KB: a larger body gets the localized 413 page, never a stack trace.</summary>
public sealed class LookupBodyLimitTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private async Task<Dictionary<string, string>> FormAsync(BrowserlessClient client, string path)
    {
        var form = await client.ReadFormAsync(path, path.EndsWith("overseas", StringComparison.Ordinal) ? "lookup-overseas" : "lookup");
        form["Input.Name"] = "张伟";
        return form;
    }

    private static string Encoded(Dictionary<string, string> form) =>
        string.Join('&', form.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    [Theory]
    [InlineData("/lookup")]
    [InlineData("/lookup/overseas")]
    public async Task A_post_over_8_kb_gets_the_localized_too_large_page(string path)
    {
        using var client = new BrowserlessClient(portal);
        var form = await FormAsync(client, path);
        form["padding"] = new string('x', LookupBodyLimit.MaxBytes);

        using var response = await client.Http.PostAsync(path, new StringContent(Encoded(form), Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("提交内容过大", html);
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain("   at ", html);
    }

    [Fact]
    public async Task A_chunked_post_without_a_length_is_cut_off_at_8_kb_too()
    {
        using var client = new BrowserlessClient(portal);
        var form = await FormAsync(client, "/lookup");
        form["padding"] = new string('x', 64 * 1024);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Encoded(form))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/lookup") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("提交内容过大", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_post_just_under_the_limit_is_answered_as_usual()
    {
        using var client = new BrowserlessClient(portal);
        var form = await FormAsync(client, "/lookup");
        form["padding"] = "";
        form["padding"] = new string('x', LookupBodyLimit.MaxBytes - Encoding.UTF8.GetByteCount(Encoded(form)));
        var body = Encoded(form);
        Assert.Equal(LookupBodyLimit.MaxBytes, Encoding.UTF8.GetByteCount(body));

        using var response = await client.Http.PostAsync("/lookup", new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The form comes back with what to fix (no session chosen): the post reached the lookup.
        Assert.Contains("请选择考试批次", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }
}
