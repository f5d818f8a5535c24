using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ScorePortal.Security;

namespace ScorePortal.Features.Reports;

/// <summary>
/// <c>generate-keys</c>: the certificate that signs score reports, as a PKCS#12 file beside <c>keys.json</c>, and
/// its password (<c>Reports:SigningCertificatePath</c>, <c>Reports:SigningCertificatePassword</c>).
/// </summary>
internal sealed class ReportSecrets : IProductionSecrets
{
    public const string CertificateFileName = "report-signing.pfx";

    public IEnumerable<string> Generate(JsonObject keys, SecretsDirectory directory)
    {
        var password = SecretsDirectory.NewKey();
        var pkcs12 = ReportSigningCertificate.CreateSelfSignedPkcs12("CN=ScorePortal report signing, O=ScorePortal", password);
        var path = directory.WriteOwnerOnly(CertificateFileName, pkcs12);
        keys[ReportOptions.Section] = new JsonObject
        {
            [nameof(ReportOptions.SigningCertificatePath)] = path,
            [nameof(ReportOptions.SigningCertificatePassword)] = password,
        };
        using var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password, X509KeyStorageFlags.EphemeralKeySet);
        yield return $"Report signing certificate {path} (owner-only) and its password, SHA-256 thumbprint " +
                     certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
