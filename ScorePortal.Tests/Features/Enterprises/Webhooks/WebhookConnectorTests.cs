using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Enterprises.Webhooks;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// The connection side of the SSRF rules: the URL rules at save time, and the connect callback that resolves the host
/// itself, refuses what is not public and connects to the address it checked (so a second DNS answer cannot differ).
/// </summary>
public sealed class WebhookConnectorTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>Answers each host with its queued answers in turn (the last one repeats), and counts the lookups.</summary>
    private sealed class ScriptedResolver : IWebhookHostResolver
    {
        private readonly ConcurrentDictionary<string, Queue<IPAddress[]>> _answers = new(StringComparer.OrdinalIgnoreCase);

        public ConcurrentDictionary<string, int> Lookups { get; } = new(StringComparer.OrdinalIgnoreCase);

        public ScriptedResolver Answer(string host, params string[][] answers)
        {
            _answers[host] = new Queue<IPAddress[]>(answers.Select(a => a.Select(IPAddress.Parse).ToArray()));
            return this;
        }

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            Lookups.AddOrUpdate(host, 1, (_, n) => n + 1);
            if (!_answers.TryGetValue(host, out var queue)) throw new SocketException((int)SocketError.HostNotFound);
            lock (queue) return Task.FromResult(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
        }
    }

    private static (WebhookConnector Connector, WebhookUrls Urls) Build(IWebhookHostResolver resolver, bool allowLoopback = false)
    {
        var options = Options.Create(new WebhookOptions { AllowLoopbackHttpForTests = allowLoopback });
        var connector = new WebhookConnector(resolver, options);
        return (connector, new WebhookUrls(connector, options));
    }

    /// <summary>A client made like the portal's (WebhooksExtensions): every connection through the connector, no redirects.</summary>
    private static HttpClient Client(WebhookConnector connector) => new(new SocketsHttpHandler
    {
        ConnectCallback = connector.ConnectAsync,
        AllowAutoRedirect = false,
        UseProxy = false,
    })
    { Timeout = TimeSpan.FromSeconds(10) };

    [Theory]
    [InlineData("", WebhookUrls.Required)]
    [InlineData("   ", WebhookUrls.Required)]
    [InlineData("hooks.example.com/notify", WebhookUrls.NotAbsolute)]
    [InlineData("/notify", WebhookUrls.NotAbsolute)]
    [InlineData("http://hooks.example.com/notify", WebhookUrls.NotHttps)]
    [InlineData("ftp://hooks.example.com/notify", WebhookUrls.NotHttps)]
    [InlineData("https://user:secret@hooks.example.com/notify", WebhookUrls.UserInfo)]
    [InlineData("https://hooks.example.com/notify#top", WebhookUrls.Fragment)]
    [InlineData("https://nowhere.example.com/notify", WebhookUrls.Unresolved)]
    [InlineData("https://intranet.example.com/notify", WebhookUrls.NotPublic)]
    [InlineData("https://mixed.example.com/notify", WebhookUrls.NotPublic)]
    [InlineData("https://127.0.0.1/notify", WebhookUrls.NotPublic)]
    [InlineData("https://[::1]/notify", WebhookUrls.NotPublic)]
    [InlineData("https://[::ffff:169.254.169.254]/latest/meta-data", WebhookUrls.NotPublic)]
    [InlineData("https://10.0.0.8:8443/notify", WebhookUrls.NotPublic)]
    public async Task A_url_is_refused_with_the_reason_a_person_can_act_on(string url, string expected)
    {
        var resolver = new ScriptedResolver()
            .Answer("hooks.example.com", ["93.184.215.14"])
            .Answer("intranet.example.com", ["192.168.10.5"])
            .Answer("mixed.example.com", ["93.184.215.14", "10.0.0.1"]);
        var (_, urls) = Build(resolver);

        var (accepted, error) = await urls.CheckAsync(url);

        Assert.Null(accepted);
        Assert.Equal(expected, error);
    }

    [Fact]
    public async Task A_url_that_is_too_long_is_refused_and_a_public_https_url_is_kept()
    {
        var resolver = new ScriptedResolver().Answer("hooks.example.com", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
        var (_, urls) = Build(resolver);

        Assert.Equal(WebhookUrls.TooLong, (await urls.CheckAsync("https://hooks.example.com/" + new string('a', 2048))).Error);
        var (accepted, error) = await urls.CheckAsync("  https://hooks.example.com/notify?tenant=7  ");
        Assert.Null(error);
        Assert.Equal("https://hooks.example.com/notify?tenant=7", accepted!.AbsoluteUri);
    }

    [Fact]
    public async Task Plain_http_to_loopback_passes_only_with_the_test_only_setting_and_never_to_another_address()
    {
        var resolver = new ScriptedResolver().Answer("hooks.example.com", ["93.184.215.14"]);

        Assert.Equal(WebhookUrls.NotHttps, (await Build(resolver).Urls.CheckAsync("http://127.0.0.1:8080/hook")).Error);
        var (allowed, error) = await Build(resolver, allowLoopback: true).Urls.CheckAsync("http://127.0.0.1:8080/hook");
        Assert.Null(error);
        Assert.NotNull(allowed);
        Assert.Equal(WebhookUrls.NotHttps, (await Build(resolver, allowLoopback: true).Urls.CheckAsync("http://hooks.example.com/hook")).Error);
        Assert.Equal(WebhookUrls.NotPublic, (await Build(resolver, allowLoopback: true).Urls.CheckAsync("http://10.0.0.1/hook")).Error);
    }

    [Fact]
    public async Task A_name_that_answers_a_public_address_when_saved_and_a_private_one_at_delivery_is_refused_at_connect()
    {
        // DNS rebinding: the first answer (the save-time check) is public, every later one points inside.
        var resolver = new ScriptedResolver().Answer("rebind.example.com", ["93.184.215.14"], ["10.0.0.7"]);
        var (connector, urls) = Build(resolver);
        Assert.Null((await urls.CheckAsync("https://rebind.example.com/hook")).Error);

        using var client = Client(connector);
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("https://rebind.example.com/hook", new StringContent("{}")));

        var refused = Assert.IsType<WebhookAddressRefusedException>(failure.InnerException);
        Assert.Equal(WebhookRefusal.NotPublic, refused.Reason);
        Assert.Equal(2, resolver.Lookups["rebind.example.com"]); // the connection looked the name up itself
        Assert.Equal("The host resolves to an address that is not public.", WebhookDeliveryHandler.Describe(failure));
    }

    [Fact]
    public async Task A_resolver_answering_loopback_is_refused_at_connect_without_the_test_setting()
    {
        var resolver = new ScriptedResolver().Answer("hooks.example.com", ["127.0.0.1"]);
        var (connector, _) = Build(resolver);
        using var client = Client(connector);
        var port = _receiver.BaseAddress.Port;

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"https://hooks.example.com:{port}/hook", new StringContent("{}")));

        Assert.Equal(WebhookRefusal.NotPublic, Assert.IsType<WebhookAddressRefusedException>(failure.InnerException).Reason);
        Assert.Empty(_receiver.To("/hook"));
    }

    [Fact]
    public async Task The_socket_connects_to_the_address_the_connector_checked_not_to_a_lookup_of_its_own()
    {
        // ".invalid" never resolves in real DNS: the POST can only reach the listener through the connector's own answer.
        var resolver = new ScriptedResolver().Answer("receiver.invalid", ["127.0.0.1"]);
        var (connector, _) = Build(resolver, allowLoopback: true);
        using var client = Client(connector);
        var callback = _receiver.NewCallback();
        var url = new UriBuilder(callback) { Host = "receiver.invalid" }.Uri;

        using var response = await client.PostAsync(url, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_receiver.To(callback));
        Assert.Equal($"receiver.invalid:{url.Port}", received.Header("Host"));
    }

    [Fact]
    public async Task Plain_http_is_refused_at_connect_without_the_test_setting_even_to_a_public_address()
    {
        var resolver = new ScriptedResolver().Answer("hooks.example.com", ["93.184.215.14"]);
        var (connector, _) = Build(resolver);
        using var client = Client(connector);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://hooks.example.com/hook", new StringContent("{}")));

        Assert.Equal(WebhookRefusal.NotHttps, Assert.IsType<WebhookAddressRefusedException>(failure.InnerException).Reason);
        Assert.Empty(resolver.Lookups);
    }
}
