using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Operations;

namespace ScorePortal.Security;

public static class SecurityExtensions
{
    public const string FieldKeyFilePrefix = "field-";

    /// <summary>
    /// Production keeps its secrets in the file <c>generate-keys</c> writes, named by <c>Security:KeyFile</c> (usually the
    /// environment variable <c>Security__KeyFile</c>). Environment variables and the command line are added again after
    /// it so that they keep precedence over the file.
    /// </summary>
    public static WebApplicationBuilder AddKeyFile(this WebApplicationBuilder builder, string[] args)
    {
        if (builder.Configuration[$"{KeyOptions.Section}:KeyFile"] is not { Length: > 0 } file) return builder;
        var path = Path.GetFullPath(file, builder.Environment.ContentRootPath);
        if (!File.Exists(path))
            throw new ScorePortal.Operations.StartupRefusedException($"Security:KeyFile names {path}, which does not exist. Create it with " +
                "'generate-keys --out <directory>' or correct the setting.");
        builder.Configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    public static WebApplicationBuilder AddSecurityKeys(this WebApplicationBuilder builder)
    {
        var generateMissing = builder.Environment.IsDevelopmentOrTesting();
        builder.Services.AddOptions<KeyOptions>().BindConfiguration(KeyOptions.Section)
            .Validate(o => generateMissing || IsKey(o.BlindIndexKey),
                "Security:BlindIndexKey (base64, at least 32 bytes) must be configured outside Development.")
            .Validate(o => generateMissing || IsKey(o.DerivationKey),
                "Security:DerivationKey (base64, at least 32 bytes) must be configured outside Development.")
            .Validate(o => generateMissing || IsKey(o.DataProtectionKey),
                "Security:DataProtectionKey (base64, at least 32 bytes) must be configured outside Development: it encrypts the " +
                "Data Protection key ring (sign-in and antiforgery cookies) stored in the database.")
            .Validate(o => generateMissing || (o.EncryptionKeys.Count > 0 && o.EncryptionKeys.Values.All(IsKey)),
                "Security:EncryptionKeys (key id → base64 of 32 bytes) must be configured outside Development.")
            .Validate(o => o.EncryptionKeys.Count <= 1 || HasCurrentKey(o),
                "Security:CurrentEncryptionKeyId must name one of the Security:EncryptionKeys when more than one key is configured " +
                "(the key new values are encrypted with; it is never guessed from the key ids).")
            .Validate(o => string.IsNullOrEmpty(o.CurrentEncryptionKeyId) || o.EncryptionKeys.Count == 0 || HasCurrentKey(o),
                "Security:CurrentEncryptionKeyId names a key that is not in Security:EncryptionKeys.")
            .ValidateOnStart();

        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyOptions>>().Value;
            return new BlindIndex(IsKey(options.BlindIndexKey)
                ? Convert.FromBase64String(options.BlindIndexKey!)
                : LoadOrCreateDevelopmentKey(Path.Combine(contentRoot, options.KeyDirectory), "blind-index.key"));
        });
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyOptions>>().Value;
            return new KeyDerivation(IsKey(options.DerivationKey)
                ? Convert.FromBase64String(options.DerivationKey!)
                : LoadOrCreateDevelopmentKey(Path.Combine(contentRoot, options.KeyDirectory), "derivation.key"));
        });
        // Its own key (HKDF with a distinct label), so an address hash can never be compared with anything else.
        builder.Services.AddSingleton(sp => new SourceAddressHasher(
            sp.GetRequiredService<KeyDerivation>().DeriveKey("ScorePortal source address hash")));
        builder.Services.AddSingleton(sp => CreateFieldProtector(sp.GetRequiredService<IOptions<KeyOptions>>().Value, contentRoot));
        // Every context of the portal opens and seals [Encrypted] properties bound to their row, whichever provider.
        builder.Services.ConfigureDbContext<SqliteScorePortalDbContext>(o => o.AddInterceptors(FieldEncryptionInterceptor.Instance));
        builder.Services.ConfigureDbContext<SqlServerScorePortalDbContext>(o => o.AddInterceptors(FieldEncryptionInterceptor.Instance));
        builder.Services.AddPortalCommand(RotateKeysCommand.Command);
        builder.Services.AddPortalCommand(GenerateKeysCommand.Command);
        return builder;
    }

    internal static FieldProtector CreateFieldProtector(KeyOptions options, string contentRoot)
    {
        var keys = options.EncryptionKeys.Count > 0
            ? options.EncryptionKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal)
            : DevelopmentFieldKeys(Path.Combine(contentRoot, options.KeyDirectory));
        return new FieldProtector(keys, CurrentKeyId(options, keys), options.AcceptUnboundFieldValues);
    }

    private static bool HasCurrentKey(KeyOptions o) =>
        o.CurrentEncryptionKeyId is { Length: > 0 } id && o.EncryptionKeys.ContainsKey(id);

    /// <summary>
    /// The key new values are encrypted with. Configured rings name it (start-up validation requires that when there
    /// are several keys: an ordinal guess would pick k9 over k10 and silently write with a retired key). The files
    /// Development generates are named k1, k2, … by <c>rotate-keys --generate</c>, so there the highest number is the
    /// newest, compared as a number.
    /// </summary>
    internal static string CurrentKeyId(KeyOptions options, IReadOnlyDictionary<string, byte[]> keys)
    {
        if (options.CurrentEncryptionKeyId is { Length: > 0 } id)
            return keys.ContainsKey(id) ? id
                : throw new InvalidOperationException($"Security:CurrentEncryptionKeyId names key '{id}', which is not in the key ring.");
        if (keys.Count == 1) return keys.Keys.Single();
        if (options.EncryptionKeys.Count > 0)
            throw new InvalidOperationException("Security:CurrentEncryptionKeyId must name the current key when more than one key is configured.");
        return keys.Keys.MaxBy(DevelopmentKeyNumber)!;
    }

    /// <summary>The number in a generated key id (k10 → 10); ids the portal did not generate count as 0.</summary>
    internal static long DevelopmentKeyNumber(string id) =>
        id.Length > 1 && id[0] == 'k' && long.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>Development keeps its field keys as files field-&lt;id&gt;.key; the first start makes field-k1.key.</summary>
    internal static Dictionary<string, byte[]> DevelopmentFieldKeys(string directory)
    {
        if (!Directory.Exists(directory) || !Directory.EnumerateFiles(directory, FieldKeyFilePrefix + "*.key").Any())
            LoadOrCreateDevelopmentKey(directory, FieldKeyFilePrefix + "k1.key");
        return Directory.EnumerateFiles(directory, FieldKeyFilePrefix + "*.key").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f)[FieldKeyFilePrefix.Length..],
            f => Convert.FromBase64String(File.ReadAllText(f).Trim()),
            StringComparer.Ordinal);
    }

    internal static bool IsKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return false;
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var written) && written >= 32;
    }

    /// <summary>A developer's machine makes its own random key once and keeps it beside the database.</summary>
    internal static byte[] LoadOrCreateDevelopmentKey(string directory, string name) =>
        Convert.FromBase64String(LoadOrCreateDevelopmentSecret(directory, name, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Trim());

    /// <summary>Reads a development secret file, or writes <paramref name="create"/>'s value there (owner-only) first.</summary>
    internal static string LoadOrCreateDevelopmentSecret(string directory, string name, Func<string> create)
    {
        var path = Path.Combine(directory, name);
        if (File.Exists(path)) return File.ReadAllText(path);
        Directory.CreateDirectory(directory);
        var secret = create();
        File.WriteAllText(path, secret);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }
}
