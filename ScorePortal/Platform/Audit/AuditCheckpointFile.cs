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
        await _append.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(json + "\n"), ct);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _append.Release();
        }
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
