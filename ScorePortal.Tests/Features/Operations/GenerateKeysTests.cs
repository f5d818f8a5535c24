using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

public sealed class GenerateKeysTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "keys-" + Guid.NewGuid().ToString("N"));

    /// <summary>Production reading nothing but the key file (and the tests' shared field-key ring, see PortalFactory).</summary>
    private sealed class ProductionWithKeyFile(string keyFile) : PortalFactory(new Dictionary<string, string?>
    {
        ["Security:KeyFile"] = keyFile,
        ["Demo:Seed"] = "false",
        ["Captcha:TestAnswer"] = null,
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["Portal:PublicBaseUrl"] = "https://scores.example.org/",
        ["Passkeys:ServerDomain"] = "scores.example.org",
    })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    [Fact]
    public async Task Generated_keys_start_a_production_portal_and_no_secret_reaches_the_output()
    {
        var output = new StringWriter();

        var exitCode = GenerateKeysCommand.Run(["generate-keys", "--out", _directory], output);

        Assert.Equal(0, exitCode);
        var keysPath = Path.Combine(_directory, GenerateKeysCommand.KeysFileName);
        var keys = JsonNode.Parse(await File.ReadAllTextAsync(keysPath))!;
        var secrets = new[]
        {
            (string)keys["Security"]!["BlindIndexKey"]!, (string)keys["Security"]!["DerivationKey"]!,
            (string)keys["Security"]!["EncryptionKeys"]!["k1"]!, (string)keys["Security"]!["DataProtectionKey"]!,
            (string)keys["Reports"]!["SigningCertificatePassword"]!,
        };
        Assert.All(secrets, s => Assert.Equal(32, Convert.FromBase64String(s).Length));
        Assert.Equal(secrets.Length, secrets.Distinct().Count());
        var printed = output.ToString();
        Assert.All(secrets, s => Assert.DoesNotContain(s, printed));
        var pemBody = ((string)keys["Audit"]!["SigningKeyPem"]!).Split('\n')[1];
        Assert.DoesNotContain(pemBody, printed);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keysPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(_directory, ScorePortal.Features.Reports.ReportSecrets.CertificateFileName)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }

        // Production refuses to start without each of these (ProductionSafetyTests); with only the file it is healthy.
        await using var portal = new ProductionWithKeyFile(keysPath);
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var options = portal.Services.GetRequiredService<IOptions<KeyOptions>>().Value;
        Assert.Equal(secrets[0], options.BlindIndexKey);
        Assert.Equal(secrets[1], options.DerivationKey);
    }

    [Fact]
    public void Existing_keys_are_never_overwritten()
    {
        Assert.Equal(0, GenerateKeysCommand.Run(["generate-keys", "--out", _directory], TextWriter.Null));
        var before = File.ReadAllBytes(Path.Combine(_directory, GenerateKeysCommand.KeysFileName));
        var output = new StringWriter();

        var exitCode = GenerateKeysCommand.Run(["generate-keys", "--out", _directory], output);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("refusing to overwrite", output.ToString());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_directory, GenerateKeysCommand.KeysFileName)));
    }

    [Fact]
    public void Rotating_the_field_key_adds_the_next_key_keeps_the_old_ones_and_makes_it_current()
    {
        Assert.Equal(0, GenerateKeysCommand.Run(["generate-keys", "--out", _directory], TextWriter.Null));
        var keysPath = Path.Combine(_directory, GenerateKeysCommand.KeysFileName);
        var first = (string)JsonNode.Parse(File.ReadAllText(keysPath))!["Security"]!["EncryptionKeys"]!["k1"]!;
        var output = new StringWriter();

        Assert.Equal(0, GenerateKeysCommand.Run(["generate-keys", "--out", _directory, "--rotate-field-key"], output));

        var security = JsonNode.Parse(File.ReadAllText(keysPath))!["Security"]!;
        Assert.Equal(first, (string)security["EncryptionKeys"]!["k1"]!);
        var second = (string)security["EncryptionKeys"]!["k2"]!;
        Assert.NotEqual(first, second);
        Assert.Equal("k2", (string)security["CurrentEncryptionKeyId"]!);
        Assert.DoesNotContain(second, output.ToString());
        Assert.Single(Directory.GetFiles(_directory, "*.json"));
    }

    [Fact]
    public async Task A_missing_key_file_stops_the_start_with_its_path()
    {
        var missing = Path.Combine(_directory, "absent.json");
        await using var portal = new ProductionWithKeyFile(missing);

        var run = await PortalProcess.RunAsync("Production", portal, []);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(missing, run.Error);
        Assert.Contains("generate-keys", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
