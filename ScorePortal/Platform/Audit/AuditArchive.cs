using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// The signed manifest beside an archive file: which entries it holds (<see cref="FirstSequence"/> to
/// <see cref="LastSequence"/>), how the range links into the chain (<see cref="PreviousHash"/> is the hash of the entry
/// before it, <see cref="LastHash"/> the hash the next range links to), and the file's SHA-256, signed with the key that
/// signs the checkpoints.
/// </summary>
public sealed record AuditArchiveManifest(
    string File,
    long FirstSequence,
    long LastSequence,
    long Count,
    string PreviousHash,
    string FirstHash,
    string LastHash,
    string Sha256,
    long Bytes,
    DateTimeOffset CreatedAt,
    string KeyId,
    string Signature = "");

/// <summary>
/// The archive directory (<see cref="AuditArchiveOptions.Directory"/>): per archived range a gzip file of JSON lines,
/// one entry a line with every column the hash chain needs (<c>audit-000000000001-000000100000.jsonl.gz</c>), and its
/// signed manifest (<c>….manifest.json</c>). Files are written under a temporary name, flushed to disk and renamed.
/// </summary>
public sealed class AuditArchiveStore(string directory)
{
    public const string ManifestSuffix = ".manifest.json";
    public const string DataSuffix = ".jsonl.gz";
    public const string PartialSuffix = ".partial";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Directory { get; } = directory;

    public static string BaseName(long first, long last) =>
        string.Create(CultureInfo.InvariantCulture, $"audit-{first:D12}-{last:D12}");

    public string DataPath(string file) => Path.Combine(Directory, file);

    public string ManifestPath(long first, long last) => Path.Combine(Directory, BaseName(first, last) + ManifestSuffix);

    /// <summary>Every manifest in the directory in sequence order, and the names of manifests that cannot be read.</summary>
    public async Task<(List<AuditArchiveManifest> Manifests, List<string> Unreadable)> ListAsync(CancellationToken ct = default)
    {
        var manifests = new List<AuditArchiveManifest>();
        var unreadable = new List<string>();
        if (!System.IO.Directory.Exists(Directory)) return (manifests, unreadable);
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "audit-*" + ManifestSuffix))
        {
            try
            {
                var manifest = JsonSerializer.Deserialize<AuditArchiveManifest>(await System.IO.File.ReadAllBytesAsync(path, ct), Json);
                if (manifest is null || manifest.File is null || manifest.Signature is null) unreadable.Add(Path.GetFileName(path));
                else manifests.Add(manifest);
            }
            catch (JsonException)
            {
                unreadable.Add(Path.GetFileName(path));
            }
        }
        return (manifests.OrderBy(m => m.FirstSequence).ToList(), unreadable);
    }

    /// <summary>Writes a file under a temporary name, flushes it to disk and renames it into place.</summary>
    public static async Task WriteDurablyAsync(string path, Func<Stream, Task> write, CancellationToken ct)
    {
        var partial = path + PartialSuffix;
        await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await write(stream);
            await stream.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
        }
        System.IO.File.Move(partial, path, overwrite: true);
    }

    public static async Task WriteManifestAsync(string path, AuditArchiveManifest manifest, CancellationToken ct) =>
        await WriteDurablyAsync(path, s => JsonSerializer.SerializeAsync(s, manifest, Json, ct), ct);

    public static async Task<AuditArchiveManifest?> ReadManifestAsync(string path, CancellationToken ct)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditArchiveManifest>(await System.IO.File.ReadAllBytesAsync(path, ct), Json);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    /// <summary>One entry as a JSON line: every field the chain hashes, its link and its hash.</summary>
    public static void WriteLine(Utf8JsonWriter json, AuditEntry e)
    {
        json.Reset();
        json.WriteStartObject();
        AuditChain.WriteFields(json, e);
        json.WriteString("prev", e.PreviousHash);
        json.WriteString("hash", e.Hash);
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>The entries of an archive file in order; throws <see cref="InvalidDataException"/> when it cannot be read.</summary>
    public static async IAsyncEnumerable<AuditEntry> ReadEntriesAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var file = System.IO.File.OpenRead(path);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            AuditEntry entry;
            try
            {
                using var doc = JsonDocument.Parse(line);
                var r = doc.RootElement;
                string? Text(string name) => r.GetProperty(name).GetString();
                entry = new AuditEntry
                {
                    Sequence = r.GetProperty("seq").GetInt64(),
                    At = DateTimeOffset.ParseExact(Text("at")!, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    ActorUserId = Text("actor"), ActorRole = Text("role"), Action = Text("action")!, TargetType = Text("targetType"),
                    TargetId = Text("targetId"), SourceIpHash = Text("ip"), DataJson = Text("data")!, PreviousHash = Text("prev")!,
                    Hash = Text("hash")!,
                };
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentNullException)
            {
                throw new InvalidDataException("An archived entry cannot be read.", e);
            }
            yield return entry;
        }
    }
}
