using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Features.Candidates;

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

    /// <summary>A separate 32-byte key for another purpose, derived from this secret with HKDF-SHA256.</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));

    /// <summary>HMAC-SHA256(key, "{(int)type}:{normalizedIdNumber}"). Pass a number from <see cref="NormalizeIdNumber"/>.</summary>
    public byte[] Compute(IdType type, string normalizedIdNumber)
    {
        ArgumentNullException.ThrowIfNull(normalizedIdNumber);
        var message = Encoding.UTF8.GetBytes($"{(int)type}:{normalizedIdNumber}");
        return HMACSHA256.HashData(_key, message);
    }

    /// <summary>
    /// The one normalization applied on import and on lookup: full-width forms folded (NFKC, IME input),
    /// all white space removed, upper-cased — so a resident ID ending in a lower-case x matches.
    /// </summary>
    public static string NormalizeIdNumber(IdType type, string idNumber)
    {
        ArgumentNullException.ThrowIfNull(idNumber);
        var folded = idNumber.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c)) continue;
            sb.Append(char.ToUpperInvariant(c));
        }
        var normalized = sb.ToString();
        // Some Chinese input methods produce the multiplication sign for the check character X.
        if ((type is IdType.ResidentId or IdType.HkMacaoTaiwanPermit) && normalized.Length == 18 && normalized[17] == '×')
            normalized = string.Concat(normalized.AsSpan(0, 17), "X");
        return normalized;
    }
}
