using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Candidates;
using ScorePortal.Operations;

namespace ScorePortal.Security;

public static class SecurityExtensions
{
    public static WebApplicationBuilder AddSecurityKeys(this WebApplicationBuilder builder)
    {
        var generateMissing = builder.Environment.IsDevelopmentOrTesting();
        builder.Services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.Section)
            .Validate(o => generateMissing || IsKey(o.BlindIndexKey),
                "Security:BlindIndexKey (base64, at least 32 bytes) must be configured outside Development.")
            .ValidateOnStart();

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyOptions>>().Value;
            return new BlindIndex(IsKey(options.BlindIndexKey)
                ? Convert.FromBase64String(options.BlindIndexKey!)
                : LoadOrCreateDevelopmentKey(Path.Combine(contentRoot, options.KeyDirectory), "blind-index.key"));
        });
        // Its own key, derived from the blind-index secret (HKDF with a distinct label), so an address hash can
        // never be compared with an ID-number index.
        builder.Services.AddSingleton(sp => new SourceAddressHasher(
            sp.GetRequiredService<BlindIndex>().DeriveKey("ScorePortal source address hash")));
        return builder;
    }

    private static bool IsKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return false;
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written >= 32;
    }

    /// <summary>A developer's machine makes its own random key once and keeps it beside the database.</summary>
    private static byte[] LoadOrCreateDevelopmentKey(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        Directory.CreateDirectory(directory);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }
}
