using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

public sealed class ProductionSafetyTests
{
    /// <summary>Production with an audit signing key unless the test names that setting itself.</summary>
    private sealed class ProductionPortal(Dictionary<string, string?> settings) : PortalFactory(WithSigningKey(settings))
    {
        private static Dictionary<string, string?> WithSigningKey(Dictionary<string, string?> settings)
        {
            settings.TryAdd("Audit:SigningKeyPem", SigningKey);
            settings.TryAdd("Security:DerivationKey", DerivationKey);
            settings.TryAdd("Security:DataProtectionKey", DataProtectionKey);
            settings.TryAdd("Reports:SigningCertificatePath", ReportCertificatePath);
            settings.TryAdd("Reports:SigningCertificatePassword", ReportCertificatePassword);
            settings.TryAdd("Captcha:TestAnswer", null); // the tests' shared default, which Production refuses
            settings.TryAdd("ForwardedHeaders:KnownProxies:0", "127.0.0.1"); // a TLS-terminating proxy on this host
            settings.TryAdd("Portal:PublicBaseUrl", "https://scores.example.org/");
            settings.TryAdd("Passkeys:ServerDomain", "scores.example.org");
            // A test that names a trusted proxy with null means "none configured".
            if (settings.TryGetValue("ForwardedHeaders:KnownProxies:0", out var proxy) && proxy is null) settings.Remove("ForwardedHeaders:KnownProxies:0");
            return settings;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    private static readonly string SigningKey = ScorePortal.Platform.Audit.AuditSigner.NewPrivateKeyPem();

    private const string ReportCertificatePassword = "report-pfx-password";

    /// <summary>A report-signing certificate as Production would configure it: a PKCS#12 file and its password.</summary>
    private static readonly string ReportCertificatePath = WriteReportCertificate();

    private static string WriteReportCertificate()
    {
        var path = Path.Combine(Path.GetTempPath(), "scoreportal-tests", $"report-signing-{Guid.NewGuid():N}.pfx");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, ScorePortal.Features.Reports.ReportSigningCertificate.CreateSelfSignedPkcs12("CN=Production test report signing", ReportCertificatePassword));
        return path;
    }

    private static readonly string Key = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray());

    private static readonly string DerivationKey = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 5 + 3)).ToArray());

    private static readonly string DataProtectionKey = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 3 + 11)).ToArray());

    [Fact]
    public async Task Production_refuses_to_start_with_demo_data_switched_on()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "true", ["Demo:Password"] = "Demo#2026pass", ["Security:BlindIndexKey"] = Key });

        var error = await RefusedAsync(portal);

        Assert.Contains("Demo:Seed", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_with_a_captcha_test_answer()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Captcha:TestAnswer"] = "TEST", ["Security:BlindIndexKey"] = Key });

        var error = await RefusedAsync(portal);

        Assert.Contains("Captcha:TestAnswer", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_field_encryption_keys()
    {
        await using var portal = new ProductionPortal(new()
        {
            ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key,
            ["Security:EncryptionKeys:t1"] = null, ["Security:EncryptionKeys:t2"] = null,
        });

        var error = await RefusedAsync(portal);

        Assert.Contains("Security:EncryptionKeys", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_an_audit_signing_key()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Audit:SigningKeyPem"] = null });

        var error = await RefusedAsync(portal);

        Assert.Contains("Audit:SigningKeyPem", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_report_signing_certificate()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Reports:SigningCertificatePath"] = null });

        var error = await RefusedAsync(portal);

        Assert.Contains("Reports:SigningCertificatePath", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_with_a_report_certificate_it_cannot_open()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Reports:SigningCertificatePassword"] = "wrong" });

        var error = await RefusedAsync(portal);

        Assert.Contains("Reports:SigningCertificatePassword", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_configured_blind_index_key()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false" });

        var error = await RefusedAsync(portal);

        Assert.Contains("Security:BlindIndexKey", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_configured_derivation_key()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Security:DerivationKey"] = null });

        var error = await RefusedAsync(portal);

        Assert.Contains("Security:DerivationKey", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_review_files_directory()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Reviews:FilesDirectory"] = "" });

        var error = await RefusedAsync(portal);

        Assert.Contains("Reviews:FilesDirectory", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_an_audit_checkpoint_directory()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Audit:CheckpointDirectory"] = "" });

        var error = await RefusedAsync(portal);

        Assert.Contains("Audit:CheckpointDirectory", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_https_or_a_trusted_proxy()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["ForwardedHeaders:KnownProxies:0"] = null });

        var error = await RefusedAsync(portal);

        Assert.Contains("ForwardedHeaders:KnownProxies", error);
        Assert.Contains("https://", error);
    }

    [Theory]
    [InlineData("https://127.0.0.1:443")]
    [InlineData("http://127.0.0.1:80;https://127.0.0.1:443")]
    public async Task Production_with_its_own_https_endpoint_needs_no_proxy(string urls)
    {
        await using var portal = new ProductionPortal(new()
        {
            ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["ForwardedHeaders:KnownProxies:0"] = null, ["urls"] = urls,
        });
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://scores.example.org/")]
    [InlineData("scores.example.org")]
    public async Task Production_refuses_to_start_without_a_public_https_address(string? publicBaseUrl)
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Portal:PublicBaseUrl"] = publicBaseUrl });

        var error = await RefusedAsync(portal);

        Assert.Contains("Portal:PublicBaseUrl", error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_data_protection_key()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["Security:DataProtectionKey"] = null });

        var error = await RefusedAsync(portal);

        Assert.Contains("Security:DataProtectionKey", error);
    }

    [Fact]
    public async Task Production_starts_with_proper_settings_and_reports_healthy()
    {
        await using var portal = new ProductionPortal(new()
        {
            ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key,
        });

        // Production redirects http to https (when it knows its https port); the check asks over https.
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"),
        });
        using var response = await client.GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Production_sends_hsts_and_secure_cookies_over_https()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key });
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://scores.example.org"),
        });

        using var response = await client.GetAsync("/Account/Login");

        Assert.Contains("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
        var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.Contains(".AspNetCore.Antiforgery")).ToLowerInvariant();
        Assert.Contains("secure", antiforgery);
    }

    /// <summary>
    /// nginx terminates TLS and talks plain HTTP to the portal: only its X-Forwarded-Proto tells the portal that the
    /// visitor is on HTTPS. Without it Production's antiforgery (Secure cookies only) cannot serve a form at all.
    /// </summary>
    [Fact]
    public async Task Production_behind_a_trusted_tls_proxy_serves_forms_with_secure_cookies_and_hsts()
    {
        await using var portal = new ProductionPortal(new()
        {
            ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key, ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
        });
        using var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("http://scores.example.org"), AllowAutoRedirect = false,
        });

        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/lookup");
        viaProxy.Headers.Add(TestPeerAddress.Header, "10.0.0.5");
        viaProxy.Headers.Add("X-Forwarded-For", "198.51.100.70");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        using var page = await client.SendAsync(viaProxy);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        spoofed.Headers.Add(TestPeerAddress.Header, "198.51.100.71");
        spoofed.Headers.Add("X-Forwarded-Proto", "https");
        using var plain = await client.SendAsync(spoofed);

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("max-age=31536000", page.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Contains("secure", page.Headers.GetValues("Set-Cookie").Single(c => c.Contains(".AspNetCore.Antiforgery")).ToLowerInvariant());
        // Anyone else's X-Forwarded-Proto is ignored: the request stays plain HTTP, which gets no HSTS header.
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Production_refuses_to_hand_out_a_demo_authenticator_secret()
    {
        await using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key });
        var command = portal.Services.GetServices<ScorePortal.Operations.PortalCommand>().Single(c => c.Name == "demo-authenticator");
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();

        var exitCode = await command.RunAsync(scope.ServiceProvider, new(["--user", "admin@scoreportal.demo"]), output);

        Assert.Equal(2, exitCode);
        Assert.Contains("development and benchmarks only", output.ToString());
    }

    [Fact]
    public void Kestrel_accepts_only_tls_1_2_and_1_3()
    {
        using var portal = new ProductionPortal(new() { ["Demo:Seed"] = "false", ["Security:BlindIndexKey"] = Key });
        var kestrel = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;
        // The defaults every HTTPS endpoint starts from (internal to Kestrel, so read by reflection).
        var defaults = (Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>)typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions)
            .GetProperty("HttpsDefaults", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(kestrel)!;
        var https = new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions();

        defaults(https);

        Assert.Equal(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, https.SslProtocols);
        Assert.False(kestrel.AddServerHeader);
    }

    /// <summary>
    /// Runs the portal binary in Production with <paramref name="portal"/>'s settings, as an operator would start it: it
    /// must refuse (exit 1) with its reasons on standard error, no stack trace (Operations/StartupRefusal).
    /// </summary>
    private static async Task<string> RefusedAsync(PortalFactory portal)
    {
        var run = await PortalProcess.RunAsync("Production", portal, []);
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        return run.Error;
    }
}
