using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Layout;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Components;

/// <summary>
/// The release-day pages (home, lookup forms, a result) load one generated stylesheet and no Blazor script, and that
/// stylesheet styles every MudBlazor class they use exactly as MudBlazor's full stylesheet would.
/// </summary>
public sealed partial class LightPageTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    public static TheoryData<string> LightPages => ["/", "/lookup", "/lookup/overseas", "result", "/service-status"];

    [Theory]
    [MemberData(nameof(LightPages))]
    public async Task A_light_page_links_only_the_light_stylesheet_and_runs_no_blazor_script(string page)
    {
        var html = await PageAsync(page);
        var assets = portal.Services.GetRequiredService<PortalAssets>();

        var stylesheets = Stylesheet().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal([assets.Light.Path], stylesheets);
        Assert.DoesNotContain("_framework/blazor.web", html);
        Assert.DoesNotContain("MudBlazor.min", html);
    }

    [Theory]
    [MemberData(nameof(LightPages))]
    public async Task Every_mudblazor_class_of_a_light_page_has_its_rules_in_the_light_stylesheet(string page)
    {
        var html = await PageAsync(page);
        var light = await TextAsync(portal.Services.GetRequiredService<PortalAssets>().Light.Path);
        var full = await TextAsync("/_content/MudBlazor/MudBlazor.min.css");

        var used = ClassAttribute().Matches(html).SelectMany(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        var styledByMud = used.Where(c => Regex.IsMatch(full, $@"\.{Regex.Escape(c)}(?![\w-])")).Order().ToList();
        Assert.NotEmpty(styledByMud);
        var missing = styledByMud.Where(c => !Regex.IsMatch(light, $@"\.{Regex.Escape(c)}(?![\w-])")).ToList();
        Assert.True(missing.Count == 0, $"{page} uses MudBlazor classes the light stylesheet leaves out (add them to MudClasses.LightPagePrefixes): {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task The_light_stylesheet_is_a_small_fraction_of_mudblazors_and_carries_the_theme_and_app_css()
    {
        var assets = portal.Services.GetRequiredService<PortalAssets>();
        var appCss = await TextAsync("/app.css");

        Assert.StartsWith(System.Text.Encoding.UTF8.GetString(assets.Theme.Identity), System.Text.Encoding.UTF8.GetString(assets.Light.Identity));
        Assert.EndsWith(appCss.Trim(), System.Text.Encoding.UTF8.GetString(assets.Light.Identity).Trim());
        Assert.Contains("--mud-palette-primary", System.Text.Encoding.UTF8.GetString(assets.Light.Identity));
        Assert.True(assets.Light.Brotli.Length < 12 * 1024, $"light stylesheet is {assets.Light.Brotli.Length} bytes in Brotli");
    }

    [Fact]
    public async Task Pages_with_components_still_load_blazor_mudblazor_and_the_theme()
    {
        var html = await PageAsync("/Account/Login");
        var assets = portal.Services.GetRequiredService<PortalAssets>();

        Assert.Contains("_framework/blazor.web", html);
        Assert.Contains(assets.Theme.Path, html);
        Assert.Contains("_content/MudBlazor/MudBlazor.min", html);
        Assert.DoesNotContain(assets.Light.Path, html);
    }

    [Theory]
    [InlineData("br, gzip", "br")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("identity", null)]
    public async Task Generated_assets_come_in_the_best_accepted_encoding_cached_as_immutable(string acceptEncoding, string? expected)
    {
        var assets = portal.Services.GetRequiredService<PortalAssets>();
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, assets.Light.Path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(expected switch { "br" => assets.Light.Brotli, "gzip" => assets.Light.Gzip, _ => assets.Light.Identity }, body);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString());
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal("text/css", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_known_etag_gets_304_and_an_unknown_asset_404()
    {
        var assets = portal.Services.GetRequiredService<PortalAssets>();
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, assets.CaptchaScript.Path);
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(assets.CaptchaScript.ETag));

        using var notModified = await client.SendAsync(request);
        using var unknown = await client.GetAsync(PortalAssets.Prefix + "light.000000000000.css");

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<string> PageAsync(string page)
    {
        if (page != "result") return await TextAsync(page);
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null)
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).Select(s => s.Code).FirstAsync();
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311", ["Input.Name"] = "张伟",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"result-sheet\"", html);
        return html;
    }

    private async Task<string> TextAsync(string path)
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("class=\"([^\"]*)\"")]
    private static partial Regex ClassAttribute();
}
