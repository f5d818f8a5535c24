using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// Signs checkpoints with ECDSA P-256. The private key comes from configuration (Audit:SigningKeyPem) or, in
/// Development, from a key file the portal makes; the public key is exported with the checkpoints, so anyone
/// holding an export can verify it without any secret.
/// </summary>
public sealed class AuditSigner : IDisposable
{
    private readonly ECDsa _key;

    public AuditSigner(string privateKeyPem)
    {
        _key = ECDsa.Create();
        _key.ImportFromPem(privateKeyPem);
        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()))[..16];
    }

    public string KeyId { get; }
    public string PublicKeyPem { get; }

    public static byte[] Statement(long upToSequence, string hash, DateTimeOffset createdAt) =>
        Encoding.ASCII.GetBytes($"ScorePortal audit checkpoint|{upToSequence.ToString(CultureInfo.InvariantCulture)}|{hash}|" +
                                createdAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    public string Sign(long upToSequence, string hash, DateTimeOffset createdAt) =>
        Convert.ToBase64String(_key.SignData(Statement(upToSequence, hash, createdAt), HashAlgorithmName.SHA256));

    public static bool Verify(string publicKeyPem, AuditCheckpoint checkpoint)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        try
        {
            return key.VerifyData(Statement(checkpoint.UpToSequence, checkpoint.Hash, checkpoint.CreatedAt),
                Convert.FromBase64String(checkpoint.Signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>What an archive's manifest signs: every field of it: file, range, links, count, the file's SHA-256 and size, key and time.</summary>
    public static byte[] ArchiveStatement(AuditArchiveManifest m) =>
        Encoding.ASCII.GetBytes(string.Join('|', "ScorePortal audit archive", m.File,
            m.FirstSequence.ToString(CultureInfo.InvariantCulture), m.LastSequence.ToString(CultureInfo.InvariantCulture),
            m.Count.ToString(CultureInfo.InvariantCulture), m.PreviousHash, m.FirstHash, m.LastHash, m.Sha256,
            m.Bytes.ToString(CultureInfo.InvariantCulture), m.KeyId,
            m.CreatedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)));

    public string SignArchive(AuditArchiveManifest manifest) =>
        Convert.ToBase64String(_key.SignData(ArchiveStatement(manifest), HashAlgorithmName.SHA256));

    public static bool VerifyArchive(string publicKeyPem, AuditArchiveManifest manifest)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        try
        {
            return key.VerifyData(ArchiveStatement(manifest), Convert.FromBase64String(manifest.Signature), HashAlgorithmName.SHA256);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string NewPrivateKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public void Dispose() => _key.Dispose();
}
