using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

/// <summary>Which key new values are encrypted with is configured, never guessed from the key ids (k9 vs k10).</summary>
public sealed class EncryptionKeyRingTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(51, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task Several_keys_without_a_current_key_id_refuse_to_start_naming_the_setting()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?>
        {
            ["Security:EncryptionKeys:t1"] = null, ["Security:EncryptionKeys:t2"] = null,
            ["Security:EncryptionKeys:k9"] = KeyA, ["Security:EncryptionKeys:k10"] = KeyB,
            ["Security:CurrentEncryptionKeyId"] = null,
        });

        var run = await PortalProcess.RunAsync("Testing", portal, []);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Security:CurrentEncryptionKeyId", run.Error);
    }

    [Fact]
    public async Task A_current_key_id_that_is_not_in_the_ring_refuses_to_start()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?> { ["Security:CurrentEncryptionKeyId"] = "t3" });

        var run = await PortalProcess.RunAsync("Testing", portal, []);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Security:CurrentEncryptionKeyId", run.Error);
    }

    [Fact]
    public void A_configured_ring_never_falls_back_to_the_ordinally_largest_id()
    {
        var options = new KeyOptions { EncryptionKeys = { ["k9"] = KeyA, ["k10"] = KeyB } };

        var error = Assert.Throws<InvalidOperationException>(() => SecurityExtensions.CreateFieldProtector(options, Path.GetTempPath()));

        Assert.Contains("Security:CurrentEncryptionKeyId", error.Message);
        options.CurrentEncryptionKeyId = "k10";
        Assert.StartsWith("k10:", SecurityExtensions.CreateFieldProtector(options, Path.GetTempPath()).Protect("张伟"));
    }

    [Fact]
    public void A_single_configured_key_is_the_current_key()
    {
        var options = new KeyOptions { EncryptionKeys = { ["only"] = KeyA } };

        Assert.StartsWith("only:", SecurityExtensions.CreateFieldProtector(options, Path.GetTempPath()).Protect("张伟"));
    }

    [Fact]
    public void Development_key_files_use_the_highest_generated_number_not_the_ordinal_largest_name()
    {
        var directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var id in new[] { "k1", "k2", "k9", "k10" })
                SecurityExtensions.LoadOrCreateDevelopmentKey(directory, SecurityExtensions.FieldKeyFilePrefix + id + ".key");
            var options = new KeyOptions { KeyDirectory = directory };

            var protector = SecurityExtensions.CreateFieldProtector(options, contentRoot: "/");

            Assert.Equal("k10", protector.CurrentKeyId);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
