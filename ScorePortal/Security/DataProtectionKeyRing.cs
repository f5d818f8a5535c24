using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;
using ScorePortal.Data;

namespace ScorePortal.Security;

/// <summary>
/// ASP.NET Data Protection (sign-in cookies with their roles and <c>amr=mfa</c>, antiforgery tokens, step-up cookies):
/// its keys live in the database (table DataProtectionKeys), so every instance behind the load balancer and every
/// restarted container reads the same ring; each key's XML is sealed with AES-256-GCM under
/// <c>Security:DataProtectionKey</c> before it is stored, so the table alone opens nothing. The application name is
/// fixed, so instances installed in different folders share their cookies.
/// </summary>
public static class DataProtectionKeyRing
{
    public const string ApplicationName = "ScorePortal";

    public const string DevelopmentKeyFile = "data-protection.key";

    public static WebApplicationBuilder AddDataProtectionKeys(this WebApplicationBuilder builder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KeyOptions>>().Value;
            return new DataProtectionKeyEncryption(SecurityExtensions.IsKey(options.DataProtectionKey)
                ? Convert.FromBase64String(options.DataProtectionKey!)
                : SecurityExtensions.LoadOrCreateDevelopmentKey(Path.Combine(contentRoot, options.KeyDirectory), DevelopmentKeyFile));
        });
        builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .PersistKeysToDbContext<ScorePortalDbContext>();
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((o, services) =>
            o.XmlEncryptor = new AesGcmXmlEncryptor(services.GetRequiredService<DataProtectionKeyEncryption>()));
        return builder;
    }
}

/// <summary>The configured key that seals Data Protection's key ring at rest.</summary>
public sealed class DataProtectionKeyEncryption
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public DataProtectionKeyEncryption(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The Data Protection key must be at least 32 bytes.", nameof(key));
        _key = key[..32];
    }

    private static ReadOnlySpan<byte> AssociatedData => "ScorePortal.DataProtection.KeyRing.v1"u8;

    internal string Seal(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        RandomNumberGenerator.Fill(sealedBytes.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(sealedBytes.AsSpan(0, NonceSize), plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), AssociatedData);
        return Convert.ToBase64String(sealedBytes);
    }

    internal string Open(string sealedText)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("The sealed Data Protection key is too short.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, AssociatedData);
        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>Seals a key's XML (its master key inside) before Data Protection stores it.</summary>
public sealed class AesGcmXmlEncryptor(DataProtectionKeyEncryption encryption) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var element = new XElement("encryptedKey",
            new XComment(" AES-256-GCM under Security:DataProtectionKey "),
            new XElement("value", encryption.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting))));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>Opens what <see cref="AesGcmXmlEncryptor"/> sealed; Data Protection creates it by type name, with the services.</summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var value = encryptedElement.Element("value")?.Value ?? throw new CryptographicException("The sealed Data Protection key has no value.");
        return XElement.Parse(services.GetRequiredService<DataProtectionKeyEncryption>().Open(value));
    }
}
