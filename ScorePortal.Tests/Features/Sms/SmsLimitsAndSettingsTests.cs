using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices.Sms;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Sms;

public sealed class SmsLimitsAndSettingsTests
{
    [Fact]
    public async Task The_global_daily_cap_holds_whoever_writes()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "sms-" + Guid.NewGuid().ToString("N"));
        await using var portal = PortalFactory.With(SmsPortal.Settings(folder, perNumber: 10, cap: 2));
        var now = DateTimeOffset.UtcNow;

        var statuses = new List<string>();
        foreach (var number in new[] { "+8613800000001", "+8613800000002", "+8613800000003", "+8613800000004" })
            statuses.Add(await SmsPortal.StatusAsync(await SmsPortal.SendAsync(portal, now, number, "RKCX+110105199001010010")));

        Assert.Equal(["replied", "replied", "capped", "capped"], statuses);
        var sent = await SmsPortal.SentAsync(portal);
        Assert.Equal(["+8613800000001", "+8613800000002"], sent.Select(s => s.To).Order());
        Assert.Equal(2, (await SmsPortal.AuditAsync(portal, AuditActions.SmsInbound)).Count(e => e.DataJson.Contains("\"capped\"")));
        System.IO.Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Production_refuses_the_development_sms_adapter()
    {
        static IEnumerable<string> Problems(string? adapter) => ProductionStartupChecks.Problems(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sms:Adapter"] = adapter }).Build());

        Assert.Contains(Problems("Folder"), p => p.StartsWith("Sms:Adapter=Folder", StringComparison.Ordinal));
        Assert.Contains(Problems("folder"), p => p.StartsWith("Sms:Adapter=Folder", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems("Off"), p => p.Contains("Sms:", StringComparison.Ordinal));
        Assert.DoesNotContain(Problems(null), p => p.Contains("Sms:", StringComparison.Ordinal));
    }

    private static IServiceProvider ChannelIn(string environment, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSmsChannel();
        // Only the channel is asked for: the services the rest of the portal would register are not there.
        builder.Host.UseDefaultServiceProvider(o => o.ValidateOnBuild = false);
        return builder.Build().Services;
    }

    [Fact]
    public void Sms_on_without_a_callback_secret_is_refused()
    {
        var services = ChannelIn(SharedDevelopmentSettings.TestingEnvironment, new() { ["Sms:Adapter"] = "Folder" });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SmsOptions>>().Value);
        Assert.Contains("CallbackSecret", failure.Message);
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void Outside_development_and_testing_the_folder_adapter_cannot_be_selected(string environment)
    {
        var services = ChannelIn(environment, new() { ["Sms:Adapter"] = "Folder", ["Sms:CallbackSecret"] = SmsPortal.Secret });

        Assert.Null(services.GetService<ISmsSender>());
        Assert.Null(services.GetService<SmsFolder>());
        Assert.DoesNotContain(services.GetServices<IOutboxHandler>(), h => h.Kind == SmsOutbox.Kind);
        if (environment == "Staging")
            Assert.Contains("Development and Testing only",
                Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SmsOptions>>().Value).Message);
    }

    [Fact]
    public void Production_checks_the_http_gateways_address_token_and_callback_secret()
    {
        static List<string> Problems(string? url, string? token, string? secret = SmsPortal.Secret) => ProductionStartupChecks.Problems(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Sms:Adapter"] = "Http", ["Sms:Http:Url"] = url, ["Sms:Http:Token"] = token, ["Sms:CallbackSecret"] = secret,
            }).Build()).Where(p => p.Contains("Sms:", StringComparison.Ordinal)).ToList();
        const string token = "gateway-token-0123456789";

        Assert.Empty(Problems("https://sms.example.org/send", token));
        Assert.Empty(Problems("http://127.0.0.1:8085/send", token)); // a relay on the same machine
        Assert.Contains(Problems(null, token), p => p.Contains("Sms:Http:Url", StringComparison.Ordinal));
        Assert.Contains(Problems("http://sms.example.org/send", token), p => p.Contains("Sms:Http:Url", StringComparison.Ordinal));
        Assert.Contains(Problems("https://sms.example.org/send", null), p => p.Contains("Sms:Http:Token", StringComparison.Ordinal));
        Assert.Contains(Problems("https://sms.example.org/send", "short"), p => p.Contains("Sms:Http:Token", StringComparison.Ordinal));
        Assert.Contains(Problems("https://sms.example.org/send", token, secret: null), p => p.Contains("Sms:CallbackSecret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void The_http_adapter_exists_in_every_environment(string environment)
    {
        var services = ChannelIn(environment, new()
        {
            ["Sms:Adapter"] = "Http", ["Sms:CallbackSecret"] = SmsPortal.Secret,
            ["Sms:Http:Url"] = "https://sms.example.org/send", ["Sms:Http:Token"] = "gateway-token-0123456789",
        });

        // The outbox handler needs the audit log, which this channel-only host lacks: SmsGatewayFaultTests delivers through it.
        Assert.IsType<HttpSmsSender>(services.GetRequiredService<ISmsSender>());
        Assert.Null(services.GetService<SmsFolder>());
        Assert.Equal(TimeSpan.FromSeconds(10), services.GetRequiredService<IOptions<SmsOptions>>().Value.Http.Timeout);
    }

    [Theory]
    [InlineData(null, "gateway-token-0123456789", "00:00:10")]
    [InlineData("https://sms.example.org/send", null, "00:00:10")]
    [InlineData("https://sms.example.org/send", "gateway token 0123456789", "00:00:10")]
    [InlineData("https://sms.example.org/send", "gateway-token-0123456789", "00:05:00")]
    public void The_http_adapter_is_refused_without_an_address_a_token_or_a_sane_timeout(string? url, string? token, string timeout)
    {
        var services = ChannelIn(SharedDevelopmentSettings.TestingEnvironment, new()
        {
            ["Sms:Adapter"] = "Http", ["Sms:CallbackSecret"] = SmsPortal.Secret,
            ["Sms:Http:Url"] = url, ["Sms:Http:Token"] = token, ["Sms:Http:Timeout"] = timeout,
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SmsOptions>>().Value);
        Assert.Contains("Sms:Http:Token", failure.Message);
    }

    /// <summary>
    /// What the gateway answers decides: 2xx delivered; 400/422 (this message refused) dead at once; any other status
    /// (503, 401 after a token change) a failure the outbox retries, stored as "HTTP n" without the gateway's text.
    /// </summary>
    [Fact]
    public async Task The_http_adapter_posts_the_contract_and_tells_a_refusal_from_a_failure()
    {
        await using var gateway = await ScorePortal.Tests.Features.Enterprises.Webhooks.WebhookReceiver.StartAsync();
        var url = new Uri(gateway.BaseAddress, "/send").AbsoluteUri;
        var services = ChannelIn(SharedDevelopmentSettings.TestingEnvironment, new()
        {
            ["Sms:Adapter"] = "Http", ["Sms:CallbackSecret"] = SmsPortal.Secret, ["Sms:Http:Url"] = url, ["Sms:Http:Token"] = "gateway-token-0123456789",
        });
        var sender = services.GetRequiredService<ISmsSender>();
        var sms = new SmsMessage("+8613800138000", "RKCX 回复", "ref");
        gateway.Answer(url, 503, 400, 202);

        var unavailable = await Assert.ThrowsAsync<HttpRequestException>(() => sender.SendAsync(sms, "41", CancellationToken.None));
        Assert.Equal("HTTP 503", OutboxErrors.Describe(unavailable));
        var refused = await Assert.ThrowsAsync<PermanentDeliveryException>(() => sender.SendAsync(sms, "41", CancellationToken.None));
        Assert.Equal("SMS gateway refused the message: HTTP 400", OutboxErrors.Describe(refused));
        await sender.SendAsync(sms, "41", CancellationToken.None);

        var requests = gateway.To(url);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(("Bearer gateway-token-0123456789", "41"), (r.Header("Authorization"), r.Header("Idempotency-Key"))));
        Assert.All(requests, r => Assert.Equal(new HttpSmsSender.Request("+8613800138000", "RKCX 回复", "41"),
            JsonSerializer.Deserialize<HttpSmsSender.Request>(r.Body, JsonSerializerOptions.Web)));
    }

    [Fact]
    public async Task Sms_off_answers_404_and_says_so_in_the_health_details()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();

        var body = SmsPortal.Body("+8613800138000", "RKCX+110105199001010010");
        using (var callback = await SmsPortal.SendSignedAsync(portal, body, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), SmsPortal.Secret))
            Assert.Equal(HttpStatusCode.NotFound, callback.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add(TestPeerAddress.Header, "127.0.0.1");
        using var health = await client.SendAsync(request);
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.StartsWith("SMS off", json.RootElement.GetProperty("notes").GetProperty("sms").GetString());
    }

    [Fact]
    public async Task Production_starts_with_sms_off_says_so_and_has_no_outbox_page()
    {
        await using var portal = new ProductionPortal([]);
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        using (var page = await client.GetAsync("/dev/sms"))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.DoesNotContain("data-testid=\"sms-", await page.Content.ReadAsStringAsync());
        }
        var body = SmsPortal.Body("+8613800138000", "RKCX+110105199001010010");
        using (var callback = await SmsPortal.SendSignedAsync(portal, body, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), SmsPortal.Secret))
            Assert.Equal(HttpStatusCode.NotFound, callback.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add(TestPeerAddress.Header, "127.0.0.1");
        using var health = await client.SendAsync(request);
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.StartsWith("SMS off", json.RootElement.GetProperty("notes").GetProperty("sms").GetString());
    }

    [Fact]
    public async Task Production_refuses_to_start_with_the_development_adapter()
    {
        await using var portal = new ProductionPortal(new() { ["Sms:Adapter"] = "Folder", ["Sms:CallbackSecret"] = SmsPortal.Secret });

        var run = await PortalProcess.RunAsync("Production", portal, []);

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("Sms:Adapter=Folder", run.Error);
    }

    /// <summary>Production with the keys and addresses it needs (as ProductionSafetyTests configures it), SMS as given.</summary>
    private sealed class ProductionPortal(Dictionary<string, string?> settings) : PortalFactory(Complete(settings))
    {
        private static readonly string Key = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray());

        private static Dictionary<string, string?> Complete(Dictionary<string, string?> settings)
        {
            const string password = "report-pfx-password";
            var certificate = Path.Combine(Path.GetTempPath(), "scoreportal-tests", $"sms-report-signing-{Guid.NewGuid():N}.pfx");
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(certificate)!);
            File.WriteAllBytes(certificate, ScorePortal.Features.Reports.ReportSigningCertificate.CreateSelfSignedPkcs12("CN=SMS test report signing", password));
            settings.TryAdd("Demo:Seed", "false");
            settings.TryAdd("Security:BlindIndexKey", Key);
            settings.TryAdd("Audit:SigningKeyPem", AuditSigner.NewPrivateKeyPem());
            settings.TryAdd("Security:DerivationKey", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 5 + 3)).ToArray()));
            settings.TryAdd("Security:DataProtectionKey", Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 3 + 11)).ToArray()));
            settings.TryAdd("Reports:SigningCertificatePath", certificate);
            settings.TryAdd("Reports:SigningCertificatePassword", password);
            settings.TryAdd("Captcha:TestAnswer", null);
            settings.TryAdd("ForwardedHeaders:KnownProxies:0", "127.0.0.1");
            settings.TryAdd("Passkeys:ServerDomain", "scores.example.org");
            settings.TryAdd("Portal:PublicBaseUrl", "https://scores.example.org/");
            return settings;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
