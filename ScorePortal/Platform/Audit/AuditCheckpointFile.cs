using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// The checkpoints' second home, outside the database: one JSON line per signed checkpoint, appended to
/// <c>checkpoints.jsonl</c> in <see cref="AuditOptions.CheckpointDirectory"/> and never rewritten. Someone who can
/// change the database — delete the newest checkpoints, truncate or rewrite the log's tail — cannot change this file
/// when it lives on storage they cannot write (another volume, an append-only or WORM mount, a copy shipped off the
/// host). The file is its own export: verification can be run against any copy of it (<c>verify-audit --checkpoints</c>).
/// </summary>
public sealed class AuditCheckpointFile(string directory)
{
    public const string FileName = "checkpoints.jsonl";

    private readonly SemaphoreSlim _append = new(1, 1);

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>One line of the file: a signed checkpoint as the database held it when it was signed.</summary>
    public sealed record Line(int Number, long UpToSequence, string Hash, DateTimeOffset CreatedAt, string KeyId, string Signature)
    {
        public AuditCheckpoint AsCheckpoint() => new()
        {
            UpToSequence = UpToSequence, Hash = Hash, CreatedAt = CreatedAt, KeyId = KeyId, Signature = Signature,
        };
    }

    /// <summary>Appends a checkpoint and flushes it to disk before returning.</summary>
    public async Task AppendAsync(AuditCheckpoint checkpoint, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["upToSequence"] = checkpoint.UpToSequence,
            ["hash"] = checkpoint.Hash,
            ["createdAt"] = checkpoint.CreatedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["keyId"] = checkpoint.KeyId,
            ["signature"] = checkpoint.Signature,
        });
        await AppendLineAsync(json, ct);
    }

    private async Task AppendLineAsync(string json, CancellationToken ct)
    {
        await _append.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            // A process killed in the middle of its write can leave a line cut short (issue #26): the next line starts
            // on a line of its own, so verification names the cut one and reads every later checkpoint.
            var start = EndsWithNewLine(Path) ? "" : "\n";
            await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(start + json + "\n"), ct);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _append.Release();
        }
    }

    /// <summary>True for a missing or empty file and for one whose last byte ends a line.</summary>
    private static bool EndsWithNewLine(string path)
    {
        if (!File.Exists(path)) return true;
        using var read = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (read.Length == 0) return true;
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte() == '\n';
    }

    /// <summary>One archive as the checkpoint file recorded it before its entries left the database.</summary>
    public sealed record ArchiveLine(int Number, string File, long FirstSequence, long LastSequence, string LastHash, string Sha256);

    /// <summary>Records an archive (its file, range, last hash, SHA-256 and manifest signature) and flushes it to disk.</summary>
    public async Task AppendArchiveAsync(AuditArchiveManifest manifest, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["archive"] = manifest.File,
            ["firstSequence"] = manifest.FirstSequence,
            ["lastSequence"] = manifest.LastSequence,
            ["lastHash"] = manifest.LastHash,
            ["sha256"] = manifest.Sha256,
            ["createdAt"] = manifest.CreatedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["keyId"] = manifest.KeyId,
            ["signature"] = manifest.Signature,
        });
        await AppendLineAsync(json, ct);
    }

    /// <summary>The archives a checkpoint file (this one or a copy) records; none when it does not exist.</summary>
    public static async Task<List<ArchiveLine>> ReadArchivesAsync(string path, CancellationToken ct)
    {
        var archives = new List<ArchiveLine>();
        if (!File.Exists(path)) return archives;
        var number = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, ct))
        {
            number++;
            if (!text.Contains("\"archive\"", StringComparison.Ordinal)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                if (!root.TryGetProperty("archive", out var file)) continue;
                archives.Add(new ArchiveLine(number, file.GetString()!, root.GetProperty("firstSequence").GetInt64(),
                    root.GetProperty("lastSequence").GetInt64(), root.GetProperty("lastHash").GetString()!, root.GetProperty("sha256").GetString()!));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentNullException)
            {
                // Reported by ReadAsync as a line that is not a checkpoint.
            }
        }
        return archives;
    }

    /// <summary>
    /// Reads a checkpoint file (this one or an exported copy): the lines it holds, and the numbers of lines that are
    /// not checkpoints. Null when the file does not exist.
    /// </summary>
    public static async Task<(List<Line> Lines, List<int> Unreadable)?> ReadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) return null;
        var lines = new List<Line>();
        var unreadable = new List<int>();
        var number = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, ct))
        {
            number++;
            if (text.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                // An archive record (AppendArchiveAsync), read by ReadArchivesAsync.
                if (root.TryGetProperty("archive", out var archive) && archive.ValueKind == JsonValueKind.String
                    && root.TryGetProperty("firstSequence", out _) && root.TryGetProperty("sha256", out _)) continue;
                var createdAt = DateTimeOffset.ParseExact(root.GetProperty("createdAt").GetString()!, "yyyy-MM-ddTHH:mm:ss.fffZ",
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                lines.Add(new Line(number, root.GetProperty("upToSequence").GetInt64(), root.GetProperty("hash").GetString()!,
                    createdAt, root.GetProperty("keyId").GetString()!, root.GetProperty("signature").GetString()!));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentNullException)
            {
                unreadable.Add(number);
            }
        }
        return (lines, unreadable);
    }
}
