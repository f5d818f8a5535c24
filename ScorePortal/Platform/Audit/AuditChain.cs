using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// The hash chain: Hash = hex(SHA-256(canonical JSON of the entry's fields ‖ PreviousHash)). Canonical means fixed
/// property order, invariant formats and UTC times to the millisecond, so the same row always hashes the same.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string ComputeHash(AuditEntry e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteFields(json, e);
            json.WriteEndObject();
        }
        var previous = Encoding.ASCII.GetBytes(e.PreviousHash);
        var input = new byte[buffer.WrittenCount + previous.Length];
        buffer.WrittenSpan.CopyTo(input);
        previous.CopyTo(input, buffer.WrittenCount);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>
    /// The fields the hash covers, as properties of the object <paramref name="json"/> is writing, in canonical order
    /// and formats. The archive's JSON lines (<see cref="AuditArchiveStore.WriteLine"/>) write the same, so an archived entry re-hashes
    /// to its stored hash.
    /// </summary>
    public static void WriteFields(Utf8JsonWriter json, AuditEntry e)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(e);
        json.WriteNumber("seq", e.Sequence);
        json.WriteString("at", e.At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteString("actor", e.ActorUserId);
        json.WriteString("role", e.ActorRole);
        json.WriteString("action", e.Action);
        json.WriteString("targetType", e.TargetType);
        json.WriteString("targetId", e.TargetId);
        json.WriteString("ip", e.SourceIpHash);
        json.WriteString("data", e.DataJson);
    }

    /// <summary>Canonical JSON of an entry's details: keys sorted, values as strings.</summary>
    public static string CanonicalData(IReadOnlyDictionary<string, string?>? data)
    {
        if (data is null || data.Count == 0) return "{}";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Walks entries in sequence order and returns the sequence number of the first entry that does not belong:
    /// a gap (deleted row), a reordered or edited row, or a broken link. Null when the chain is intact.
    /// </summary>
    public static long? FirstBroken(IEnumerable<AuditEntry> ordered)
    {
        var previousHash = Genesis;
        long expected = 1;
        foreach (var e in ordered)
        {
            if (e.Sequence != expected || e.PreviousHash != previousHash || e.Hash != ComputeHash(e)) return expected;
            previousHash = e.Hash;
            expected++;
        }
        return null;
    }
}
