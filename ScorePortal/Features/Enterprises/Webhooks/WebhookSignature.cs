using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>
/// How a notice is signed and how a receiver checks it (docs/webhooks.md): the header
/// <c>X-ScorePortal-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(key, "&lt;t&gt;.&lt;body&gt;")&gt;</c>, where the key is
/// the 32 bytes the enterprise's secret (base64) decodes to and the body is the exact bytes sent. The timestamp is
/// inside the signed text, so a receiver that refuses timestamps older than <see cref="ReplayWindow"/> cannot be fed
/// an old notice again.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-ScorePortal-Signature";
    public const string TimestampHeader = "X-ScorePortal-Timestamp";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string UserAgent = "ScorePortal-Webhooks/1.0";

    /// <summary>256 random bits.</summary>
    public const int SecretBytes = 32;

    /// <summary>How old a timestamp a receiver should still accept (and how far in the future).</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>A new signing secret: 32 random bytes, base64 (what is stored, encrypted, and shown once).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Lower-case hex HMAC-SHA256 over <c>"&lt;timestamp&gt;.&lt;body&gt;"</c> with the secret's bytes as the key.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = Convert.FromBase64String(secret);
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, signed));
    }

    /// <summary>The value of <see cref="SignatureHeader"/>.</summary>
    public static string Header(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v1={Sign(secret, timestamp, body)}");

    /// <summary>
    /// The receiver's check, as docs/webhooks.md describes it: the header parses, its timestamp is within
    /// <see cref="ReplayWindow"/> of <paramref name="now"/>, and one <c>v1</c> equals the expected signature, compared
    /// in constant time.
    /// </summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header)) return false;
        long? timestamp = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal) && long.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                timestamp = t;
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
                candidates.Add(part[3..]);
        }
        if (timestamp is not { } ts || candidates.Count == 0) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > (long)ReplayWindow.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        return candidates.Any(c => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(c)));
    }

    /// <summary>
    /// The body of a notice: <c>{"event":…,"employee_id":…,"occurred_at":…,"delivery_id":…}</c>, UTF-8, in that order. No
    /// name, score or other field: the enterprise asks the API, which checks the consent again.
    /// </summary>
    public static byte[] Body(string @event, string? employeeId, DateTimeOffset occurredAt, string deliveryId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", @event);
            if (string.IsNullOrEmpty(employeeId)) json.WriteNull("employee_id");
            else json.WriteString("employee_id", employeeId);
            json.WriteString("occurred_at", occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("delivery_id", deliveryId);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
