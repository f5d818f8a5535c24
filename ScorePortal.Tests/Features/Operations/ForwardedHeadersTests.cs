using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Operations;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Behind the reverse proxy the README recommends, the portal believes X-Forwarded-For/-Proto/-Host only from the
/// proxies it is configured with (ForwardedHeaders:KnownProxies / KnownNetworks); everybody else's headers are ignored.
/// Every request here names its socket peer (<see cref="TestPeerAddress"/>), as Kestrel would.
/// </summary>
public sealed class ForwardedHeadersTests(ForwardedHeadersTests.ProxiedPortal portal) : IClassFixture<ForwardedHeadersTests.ProxiedPortal>
{
    private const string Proxy = "10.0.0.5";

    /// <summary>One nginx at 10.0.0.5 and a proxy network 10.8.0.0/16; small per-address budgets to count with.</summary>
    public sealed class ProxiedPortal : PortalFactory
    {
        protected override void ConfigureSettings(IDictionary<string, string?> settings)
        {
            settings["ForwardedHeaders:KnownProxies:0"] = Proxy;
            settings["ForwardedHeaders:KnownNetworks:0"] = "10.8.0.0/16";
            settings["PublicForms:VerificationsPerAddressPerMinute"] = "2";
            settings["Lookup:Limits:PerAddressPerMinute"] = "2";
            settings["Anomaly:WrongCaptchasPerAddress"] = "2";
        }
    }

    private static HttpRequestMessage From(string peer, string path, string? forwardedFor = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Add(TestPeerAddress.Header, peer);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    private static async Task<HttpStatusCode> VerifyAsync(PortalFactory factory, string peer, string? forwardedFor = null)
    {
        using var http = factory.CreateClient();
        using var response = await http.SendAsync(From(peer, "/verify", forwardedFor));
        return response.StatusCode;
    }

    [Fact]
    public async Task Without_configured_proxies_a_spoofed_forwarded_for_is_ignored()
    {
        await using var open = PortalFactory.With(new Dictionary<string, string?> { ["PublicForms:VerificationsPerAddressPerMinute"] = "2" });

        // One attacker, a fresh made-up X-Forwarded-For on every request: still one budget, the socket's.
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(open, "203.0.113.7", "198.51.100.1"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(open, "203.0.113.7", "198.51.100.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(open, "203.0.113.7", "198.51.100.3"));
        // Loopback is not trusted by default either (the framework's default list is cleared).
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(open, "127.0.0.1", "198.51.100.4"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(open, "127.0.0.1", "198.51.100.5"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(open, "127.0.0.1", "198.51.100.6"));
    }

    [Fact]
    public async Task A_peer_that_is_not_a_configured_proxy_cannot_spoof_its_address()
    {
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, "192.0.2.10", "198.51.100.11"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, "192.0.2.10", "198.51.100.12"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(portal, "192.0.2.10", "198.51.100.13"));
    }

    [Fact]
    public async Task Two_clients_behind_the_trusted_proxy_get_separate_budgets()
    {
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "198.51.100.21"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "198.51.100.21"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(portal, Proxy, "198.51.100.21"));

        // The next visitor through the same nginx is not punished for the first one.
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "198.51.100.22"));
        // A proxy in a configured network is trusted as well; a client cannot prepend an address of its own choosing.
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, "10.8.3.4", "198.51.100.23"));
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, "10.8.3.4", "203.0.113.99, 198.51.100.23"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(portal, Proxy, "198.51.100.22, 198.51.100.23"));
    }

    [Fact]
    public async Task Ipv6_clients_are_counted_by_their_64_prefix()
    {
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "2001:db8:1:2::1"));
        // Another address in the same /64 is the same client.
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "2001:db8:1:2:ffff:ffff:ffff:fffe"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await VerifyAsync(portal, Proxy, "2001:db8:1:2:aaaa::7"));
        // The neighbouring /64 is someone else.
        Assert.Equal(HttpStatusCode.OK, await VerifyAsync(portal, Proxy, "2001:db8:1:3::1"));
    }

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::/64")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("198.51.100.7", "198.51.100.7")]
    public void The_limit_key_of_an_ipv6_client_is_its_64(string address, string key)
    {
        Assert.Equal(key, ClientAddress.LimitKey(IPAddress.Parse(address)));
        Assert.Equal(key, ClientAddress.LimitKey(address));
    }

    [Fact]
    public void Address_hashes_group_an_ipv6_clients_64_like_the_limits()
    {
        var hasher = portal.Services.GetRequiredService<SourceAddressHasher>();

        Assert.Equal(hasher.Hash("2001:db8:1:2::1"), hasher.Hash("2001:db8:1:2:ffff::9"));
        Assert.NotEqual(hasher.Hash("2001:db8:1:2::1"), hasher.Hash("2001:db8:1:3::1"));
    }

    [Fact]
    public async Task The_lookup_limit_counts_each_client_behind_the_proxy()
    {
        Assert.Contains("所选考试批次不存在", await LookUpAsync("198.51.100.31"));
        Assert.Contains("所选考试批次不存在", await LookUpAsync("198.51.100.31"));
        // Over the limit: 429 with the form back and the wait (SharedAddressTests); the neighbour is not counted with it.
        Assert.Contains("查询过于频繁", await LookUpAsync("198.51.100.31", expected: HttpStatusCode.TooManyRequests));

        Assert.Contains("所选考试批次不存在", await LookUpAsync("198.51.100.32"));
    }

    [Fact]
    public async Task The_address_block_hits_the_offending_client_not_everyone_behind_the_proxy()
    {
        Assert.Contains("验证码不正确", await LookUpAsync("198.51.100.41", captchaAnswer: "WRONG"));
        Assert.Contains("验证码不正确", await LookUpAsync("198.51.100.41", captchaAnswer: "WRONG"));

        // A block covers the lookups of the offending client only (docs/security.md, row 8 of #20).
        Assert.Contains("查询出现异常", await LookUpAsync("198.51.100.41", expected: HttpStatusCode.TooManyRequests));
        Assert.Contains("所选考试批次不存在", await LookUpAsync("198.51.100.42"));
    }

    [Fact]
    public async Task Https_and_host_from_the_proxy_make_the_request_secure_and_cookies_secure()
    {
        using var http = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var proxied = From(Proxy, "/lookup", "198.51.100.51");
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        proxied.Headers.Add("X-Forwarded-Host", "scores.example.org");
        using var secure = await http.SendAsync(proxied);
        using var spoofed = From("192.0.2.51", "/lookup");
        spoofed.Headers.Add("X-Forwarded-Proto", "https");
        using var plain = await http.SendAsync(spoofed);

        Assert.Contains("secure", AntiforgeryCookie(secure), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", AntiforgeryCookie(plain), StringComparison.OrdinalIgnoreCase);

        // The sign-in redirect is built from the request's scheme and host: the ones the visitor used at the proxy.
        using var admin = From(Proxy, "/admin", "198.51.100.51");
        admin.Headers.Add("X-Forwarded-Proto", "https");
        admin.Headers.Add("X-Forwarded-Host", "scores.example.org");
        using var redirect = await http.SendAsync(admin);
        Assert.StartsWith("https://scores.example.org/Account/Login", redirect.Headers.Location?.ToString());
    }

    private async Task<string> LookUpAsync(string client, string captchaAnswer = PortalFactory.CaptchaTestAnswer,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var browser = new BrowserlessClient(portal);
        browser.Http.DefaultRequestHeaders.Add(TestPeerAddress.Header, Proxy);
        browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        using var response = await browser.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = "2026A", ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311",
            ["Input.Name"] = "张伟", ["Input.CaptchaAnswer"] = captchaAnswer,
        });
        Assert.Equal(expected, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static string AntiforgeryCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.Contains(".AspNetCore.Antiforgery", StringComparison.Ordinal));
}
