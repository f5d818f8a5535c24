using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

public sealed class SecurityHeadersTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/Login")]
    [InlineData("/app.css")]
    [InlineData("/captcha/new")]
    [InlineData("/healthz")]
    [InlineData("/no-such-page")]
    [InlineData("/api/v1/no-such-thing")]
    public async Task Every_response_carries_the_protective_headers(string path)
    {
        using var client = portal.CreateClient();

        using var response = await client.GetAsync(path);

        var headers = response.Headers;
        Assert.Equal("nosniff", headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", headers.GetValues("X-Frame-Options").Single());
        var csp = headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.False(headers.Contains("Server"));
    }

    [Fact]
    public async Task Public_pages_contain_no_inline_script()
    {
        using var client = portal.CreateClient();

        // The light home page has no script at all; the others load theirs from files.
        var scripts = new List<System.Text.RegularExpressions.Match>();
        foreach (var path in new[] { "/", "/lookup", "/Account/Login", "/Account/Register" })
        {
            var html = await client.GetStringAsync(path);
            scripts.AddRange(System.Text.RegularExpressions.Regex.Matches(html, "<script(?<attrs>[^>]*)>"));
        }
        Assert.NotEmpty(scripts);
        Assert.All(scripts, m => Assert.Contains("src=", m.Groups["attrs"].Value));
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site()
    {
        await using var demo = new DemoPortal();
        using var client = new BrowserlessClient(demo);

        using var response = await client.SignInAsync("candidate@scoreportal.demo", demo.DemoPassword);

        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ScorePortal.Auth=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=lax", cookie);
    }

    [Fact]
    public async Task Forms_carry_an_antiforgery_token_and_its_cookie_is_same_site_strict()
    {
        using var client = portal.CreateClient();

        using var response = await client.GetAsync("/Account/Login");

        Assert.Contains("__RequestVerificationToken", await response.Content.ReadAsStringAsync());
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.Contains(".AspNetCore.Antiforgery"));
        Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
        Assert.Contains("httponly", cookie.ToLowerInvariant());
    }
}
