using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Features.Sms;

/// <summary>
/// The portal's own signed callback contract for inbound SMS (docs/sms.md): the gateway sends the Unix time in seconds
/// in <see cref="TimestampHeader"/> and <c>sha256=</c> + lower-case hex of HMAC-SHA256(secret, timestamp + "." + body)
/// in <see cref="SignatureHeader"/>. The timestamp is signed with the body, so an old callback cannot be re-dated, and
/// it must lie within <c>Sms:CallbackWindow</c> of the portal's clock; within the window each signature counts once.
/// </summary>
public static class SmsCallback
{
    public const string TimestampHeader = "X-Sms-Timestamp";
    public const string SignatureHeader = "X-Sms-Signature";
    private const string Prefix = "sha256=";

    public enum Verdict
    {
        Valid,

        /// <summary>No timestamp or signature, or one that does not parse.</summary>
        Unsigned,

        BadSignature,

        /// <summary>A valid signature on a timestamp outside the window.</summary>
        Stale,
    }

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(Mac(secret, timestamp, body));
    }

    public static Verdict Check(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan window, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || signatureHeader is null || !signatureHeader.StartsWith(Prefix, StringComparison.Ordinal)
            || signatureHeader.Length != Prefix.Length + 64)
            return Verdict.Unsigned;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return Verdict.Unsigned;
        }
        if (!CryptographicOperations.FixedTimeEquals(given, Mac(secret, timestamp, body))) return Verdict.BadSignature;
        if (timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds()) return Verdict.Stale;
        signedAt = DateTimeOffset.FromUnixTimeSeconds(timestamp);
        return (now - signedAt).Duration() <= window ? Verdict.Valid : Verdict.Stale;
    }

    private static byte[] Mac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var head = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
