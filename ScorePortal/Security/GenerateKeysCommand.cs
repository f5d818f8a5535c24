using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using ScorePortal.Features.Reports;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Security;

/// <summary>
/// <c>generate-keys --out DIR</c>: writes every secret a Production portal needs into <c>DIR</c> (created owner-only):
/// <c>keys.json</c>, a configuration file in the shape the portal binds (<c>Security:*</c>, <c>Audit:SigningKeyPem</c>,
/// <c>Reports:SigningCertificate*</c>), and <c>report-signing.pfx</c>. Point the portal at it with
/// <c>Security__KeyFile=DIR/keys.json</c>. Nothing secret is printed: only paths, key ids and public fingerprints.
/// <c>--rotate-field-key</c> adds the next field-encryption key to an existing file and makes it current (then run
/// <c>rotate-keys</c>). It runs before the host is built, because it is what makes a host buildable in Production.
/// </summary>
public static class GenerateKeysCommand
{
    public const string Name = "generate-keys";
    public const string KeysFileName = "keys.json";
    public const string CertificateFileName = "report-signing.pfx";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(string[] args, TextWriter output)
    {
        var options = new Operations.CommandArguments(args[1..]);
        if (options.Get("out") is not { Length: > 0 } outDir || outDir == "true")
        {
            output.WriteLine("Usage: generate-keys --out <directory> [--rotate-field-key]");
            return 2;
        }
        var directory = Path.GetFullPath(outDir);
        var keysPath = Path.Combine(directory, KeysFileName);
        return options.Get("rotate-field-key") == "true"
            ? RotateFieldKey(keysPath, output)
            : Create(directory, keysPath, output);
    }

    private static int Create(string directory, string keysPath, TextWriter output)
    {
        var certificatePath = Path.Combine(directory, CertificateFileName);
        if (File.Exists(keysPath) || File.Exists(certificatePath))
        {
            output.WriteLine($"{directory} already holds keys; refusing to overwrite them (data encrypted with them would be lost). " +
                "Move them away first, or use --rotate-field-key.");
            return 3;
        }
        CreateOwnerOnlyDirectory(directory);

        var certificatePassword = NewKey();
        var pkcs12 = ReportSigningCertificate.CreateSelfSignedPkcs12("CN=ScorePortal report signing, O=ScorePortal", certificatePassword);
        var auditPem = AuditSigner.NewPrivateKeyPem();
        var keys = new JsonObject
        {
            ["Security"] = new JsonObject
            {
                ["BlindIndexKey"] = NewKey(),
                ["DerivationKey"] = NewKey(),
                ["EncryptionKeys"] = new JsonObject { ["k1"] = NewKey() },
                ["CurrentEncryptionKeyId"] = "k1",
                ["DataProtectionKey"] = NewKey(),
            },
            ["Audit"] = new JsonObject { ["SigningKeyPem"] = auditPem },
            ["Reports"] = new JsonObject
            {
                ["SigningCertificatePath"] = certificatePath,
                ["SigningCertificatePassword"] = certificatePassword,
            },
        };
        WriteOwnerOnly(certificatePath, pkcs12);
        WriteOwnerOnly(keysPath, JsonSerializer.SerializeToUtf8Bytes(keys, new JsonSerializerOptions { WriteIndented = true }));

        using var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, certificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        using var audit = ECDsa.Create();
        audit.ImportFromPem(auditPem);
        output.WriteLine($"Wrote {keysPath} (owner-only): blind-index key, derivation key, field key k1 (current), " +
            "Data Protection key, audit signing key, report certificate password.");
        output.WriteLine($"Wrote {certificatePath} (owner-only): report signing certificate, SHA-256 thumbprint " +
            certificate.GetCertHashString(HashAlgorithmName.SHA256));
        output.WriteLine("Audit public key SHA-256: " + Convert.ToHexStringLower(SHA256.HashData(audit.ExportSubjectPublicKeyInfo())));
        output.WriteLine($"Start the portal with Security__KeyFile={keysPath}. Back up {Path.GetFileName(directory)}/ offline: " +
            "without it the encrypted data cannot be read.");
        return 0;
    }

    private static int RotateFieldKey(string keysPath, TextWriter output)
    {
        if (!File.Exists(keysPath))
        {
            output.WriteLine($"{keysPath} does not exist; run generate-keys --out <directory> first.");
            return 3;
        }
        var keys = JsonNode.Parse(File.ReadAllBytes(keysPath)) as JsonObject;
        if (keys?["Security"]?["EncryptionKeys"] is not JsonObject ring)
        {
            output.WriteLine($"{keysPath} has no Security:EncryptionKeys; it was not written by generate-keys.");
            return 3;
        }
        var next = "k" + (ring.Select(k => int.TryParse(k.Key.TrimStart('k'), out var n) ? n : 0).DefaultIfEmpty().Max() + 1);
        ring[next] = NewKey();
        keys["Security"]!["CurrentEncryptionKeyId"] = next;
        var temporary = $"{keysPath}.{Guid.NewGuid():N}.tmp";
        WriteOwnerOnly(temporary, JsonSerializer.SerializeToUtf8Bytes(keys, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, keysPath, overwrite: true);
        output.WriteLine($"Added field key {next} to {keysPath} and made it current; the older keys stay listed. Restart " +
            "every instance, then run rotate-keys; remove an old key only after rotate-keys has finished.");
        return 0;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        // Created empty with owner-only rights before a byte is written, so no other user can read a moment's copy.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(content);
    }
}
