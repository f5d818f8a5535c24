using System.Text.Json.Nodes;
using System.Text.Json;
using ScorePortal.Operations;

namespace ScorePortal.Security;

/// <summary>
/// <c>generate-keys --out DIR</c>: writes every secret a Production portal needs into <c>DIR</c> (created owner-only):
/// <c>keys.json</c>, a configuration file in the shape the portal binds (<c>Security:*</c> here, and each section a
/// feature declares through <see cref="IProductionSecrets"/>, with any file it writes beside). Point the portal at it with
/// <c>Security__KeyFile=DIR/keys.json</c>. Nothing secret is printed: only paths, key ids and public fingerprints.
/// <c>--rotate-field-key</c> adds the next field-encryption key to an existing file and makes it current (then run
/// <c>rotate-keys</c>). It runs before the host is built, because it is what makes a host buildable in Production.
/// </summary>
public static class GenerateKeysCommand
{
    public const string Name = "generate-keys";
    public const string KeysFileName = "keys.json";

    /// <summary>
    /// Listed with the other commands; it needs no database. Program.cs runs it before the host is built (see
    /// <see cref="Matches"/>), so this entry only serves <c>help</c> and a host that is already built.
    /// </summary>
    public static readonly PortalCommand Command = new(Name,
        "Write every key a Production portal needs into a new owner-only directory: --out DIR [--rotate-field-key]",
        (_, args, output) => Task.FromResult(Run([Name, .. args.Raw], output)), CommandNeeds.Nothing);

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(string[] args, TextWriter output)
    {
        var options = new CommandArguments(args[1..]);
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
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            output.WriteLine($"{directory} is not empty: it may hold keys; refusing to overwrite them (data encrypted with them would be lost). " +
                "Move them away first, or use --rotate-field-key.");
            return 3;
        }

        CreateOwnerOnlyDirectory(directory);
        var secrets = new SecretsDirectory(directory);
        var keys = new JsonObject
        {
            [KeyOptions.Section] = new JsonObject
            {
                [nameof(KeyOptions.BlindIndexKey)] = SecretsDirectory.NewKey(),
                [nameof(KeyOptions.DerivationKey)] = SecretsDirectory.NewKey(),
                [nameof(KeyOptions.EncryptionKeys)] = new JsonObject { ["k1"] = SecretsDirectory.NewKey() },
                [nameof(KeyOptions.CurrentEncryptionKeyId)] = "k1",
                [nameof(KeyOptions.DataProtectionKey)] = SecretsDirectory.NewKey(),
            },
        };
        // Each feature declares its own secrets (IProductionSecrets); they write their files first, keys.json last.
        var declared = IProductionSecrets.All().SelectMany(s => s.Generate(keys, secrets)).ToList();
        secrets.WriteOwnerOnly(KeysFileName, JsonSerializer.SerializeToUtf8Bytes(keys, new JsonSerializerOptions { WriteIndented = true }));

        output.WriteLine($"Wrote {keysPath} (owner-only): blind-index key, derivation key, field key k1 (current), Data Protection key, and:");
        foreach (var line in declared) output.WriteLine("  " + line);
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
        ring[next] = SecretsDirectory.NewKey();
        keys["Security"]!["CurrentEncryptionKeyId"] = next;
        var temporary = new SecretsDirectory(Path.GetDirectoryName(keysPath)!).WriteOwnerOnly($"{KeysFileName}.{Guid.NewGuid():N}.tmp",
            JsonSerializer.SerializeToUtf8Bytes(keys, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, keysPath, overwrite: true);
        output.WriteLine($"Added field key {next} to {keysPath} and made it current; the older keys stay listed. Restart " +
            "every instance, then run rotate-keys; remove an old key only after rotate-keys has finished.");
        return 0;
    }

    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
