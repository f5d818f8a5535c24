using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using ScorePortal.Security;

namespace ScorePortal.Features.Reports;

/// <summary>
/// The certificate that signs every score report and that uploaded reports are checked against.
/// Production names a PKCS#12 file (<c>Reports:SigningCertificatePath</c> + <c>Reports:SigningCertificatePassword</c>);
/// Development and Testing make a self-signed one once under <c>Security:KeyDirectory</c> and keep using it, so reports
/// issued yesterday still verify today.
/// </summary>
public sealed class ReportSigningCertificate
{
    public const string DevelopmentFileName = "report-signing.pfx";

    public ReportSigningCertificate(IOptions<ReportOptions> options, IOptions<KeyOptions> keys, IHostEnvironment environment)
    {
        var o = options.Value;
        Certificate = o.SigningCertificatePath is { Length: > 0 } path
            ? Load(Path.Combine(environment.ContentRootPath, path), o.SigningCertificatePassword)
            : LoadOrCreateDevelopment(Path.Combine(environment.ContentRootPath, keys.Value.KeyDirectory));
    }

    /// <summary>With its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <exception cref="InvalidOperationException">The file is missing, unreadable with the password, or has no private key.</exception>
    public static X509Certificate2 Load(string path, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Reports:SigningCertificatePath ({path}) cannot be read as PKCS#12 with Reports:SigningCertificatePassword: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new InvalidOperationException($"Reports:SigningCertificatePath ({path}) holds no private key; reports cannot be signed with it.");
        return certificate;
    }

    /// <summary>A new self-signed signing certificate (RSA 2048, SHA-256, ten years) as PKCS#12 bytes.</summary>
    public static byte[] CreateSelfSignedPkcs12(string subject, string? password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.Export(X509ContentType.Pkcs12, password);
    }

    private static X509Certificate2 LoadOrCreateDevelopment(string directory)
    {
        var path = Path.Combine(directory, DevelopmentFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            // Written beside and moved in, so two hosts starting at once never read half a file; the loser keeps the winner's.
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temporary, CreateSelfSignedPkcs12("CN=ScorePortal development report signing, O=ScorePortal (development)", null));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(temporary, path); }
            catch (IOException) { File.Delete(temporary); }
        }
        return Load(path, null);
    }
}
