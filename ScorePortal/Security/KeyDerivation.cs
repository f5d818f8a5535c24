using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Security;

/// <summary>
/// The root of the portal's minor keys (captcha tokens, address hashes): each is derived with HKDF-SHA256 under its
/// own label, so one secret serves them all while no two purposes share a key. It is kept apart from the blind-index
/// key, whose only job is the ID-number index: rotating this one invalidates open captchas and changes address
/// hashes, never an index stored with a candidate.
/// </summary>
public sealed class KeyDerivation
{
    private readonly byte[] _secret;

    public KeyDerivation(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < 32) throw new ArgumentException("The derivation key must be at least 32 bytes.", nameof(secret));
        _secret = (byte[])secret.Clone();
    }

    /// <summary>A 32-byte key for <paramref name="purpose"/> (a fixed label; a new label gives an unrelated key).</summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _secret, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));
}
