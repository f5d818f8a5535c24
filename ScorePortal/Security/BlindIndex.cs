using System.Security.Cryptography;
using System.Text;
using ScorePortal.Model;

namespace ScorePortal.Security;

/// <summary>
/// Keyed blind index of an ID number. An ID number has only ~10^11 plausible values, so a plain hash could be
/// reversed by enumeration; with a secret HMAC key (kept apart from the encryption key) the stored index reveals
/// nothing without the key, yet lookups stay a single equality match.
/// </summary>
public sealed class BlindIndex
{
    public const int Length = 32;

    private readonly byte[] _key;

    public BlindIndex(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32) throw new ArgumentException("The blind index key must be at least 32 bytes.", nameof(key));
        _key = (byte[])key.Clone();
    }

    /// <summary>HMAC-SHA256(key, "{(int)type}:{normalizedIdNumber}"). Pass a number from <see cref="CandidateIdentity.NormalizeIdNumber"/>.</summary>
    public byte[] Compute(IdType type, string normalizedIdNumber)
    {
        ArgumentNullException.ThrowIfNull(normalizedIdNumber);
        var message = Encoding.UTF8.GetBytes($"{(int)type}:{normalizedIdNumber}");
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>
    /// HMAC-SHA256(key, "mobile:{e164}"): a mobile number has even fewer plausible values than an ID number. Pass a
    /// number from <see cref="CandidateMobile.Normalize"/>; the prefix keeps it apart from every ID number's index.
    /// </summary>
    public byte[] ComputeMobile(string e164)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(e164);
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("mobile:" + e164));
    }

    /// <summary>
    /// HMAC-SHA256(key, "{purpose}:{normalizedValue}") for another kind of PII (a subscriber's email): the purpose, a
    /// fixed label that is never a number, keeps its indexes apart from ID numbers' and from each other's.
    /// </summary>
    public byte[] Compute(string purpose, string normalizedValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentNullException.ThrowIfNull(normalizedValue);
        if (char.IsAsciiDigit(purpose[0])) throw new ArgumentException("A purpose label never starts with a digit (ID number types do).", nameof(purpose));
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}:{normalizedValue}"));
    }
}
