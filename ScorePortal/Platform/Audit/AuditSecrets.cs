using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ScorePortal.Security;

namespace ScorePortal.Platform.Audit;

/// <summary><c>generate-keys</c>: the ECDSA key that signs audit checkpoints (<c>Audit:SigningKeyPem</c>).</summary>
internal sealed class AuditSecrets : IProductionSecrets
{
    public IEnumerable<string> Generate(JsonObject keys, SecretsDirectory directory)
    {
        var pem = AuditSigner.NewPrivateKeyPem();
        keys[AuditOptions.Section] = new JsonObject { [nameof(AuditOptions.SigningKeyPem)] = pem };
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        yield return "Audit signing key (Audit:SigningKeyPem), public key SHA-256: " +
                     Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }
}
