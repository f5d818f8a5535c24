using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Security;

/// <summary>
/// AES-256-GCM for sensitive columns. A value is stored as "{keyId}:v3:{base64(nonce ‖ ciphertext ‖ tag)}" with the key
/// id, the column ("Candidate.Name") and the row's <c>RowKey</c> as associated data: the key id lets every key of the
/// ring decrypt its own values, so a rotation re-encrypts at leisure while reads never stop; the column means a value
/// copied into another column does not open, and the row means a value copied into another row of the same column
/// does not open either. Values written before rows were bound ("{keyId}:v2:…", bound to the column only) and before
/// columns were bound ("{keyId}:{base64}") open only while <see cref="AcceptsUnbound"/> is set (Security:
/// AcceptUnboundFieldValues, for the time between upgrading and running <c>rotate-keys</c>, which always reads them and
/// rewrites them bound to their row); otherwise an old-form value is refused, so nobody can pass off an older value
/// copied from another row.
/// </summary>
public sealed class FieldProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly IReadOnlyDictionary<string, byte[]> _keys;

    public FieldProtector(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId, bool acceptUnbound = false)
    {
        if (!keys.TryGetValue(currentKeyId, out var current) || current.Length != 32)
            throw new ArgumentException($"The current encryption key '{currentKeyId}' is missing or not 32 bytes.", nameof(currentKeyId));
        if (keys.Keys.Any(id => id.Length == 0 || id.Contains(':')))
            throw new ArgumentException("Encryption key ids must be non-empty and contain no ':'.", nameof(keys));
        _keys = keys.ToDictionary(k => k.Key, k => (byte[])k.Value.Clone(), StringComparer.Ordinal);
        CurrentKeyId = currentKeyId;
        AcceptsUnbound = acceptUnbound;
    }

    public string CurrentKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys.ToList();

    /// <summary>Whether values written before row binding (version 1 and 2) still open.</summary>
    public bool AcceptsUnbound { get; }

    /// <summary>The same key ring, opening values written before row binding too: what <c>rotate-keys</c> reads with.</summary>
    public FieldProtector AcceptingUnbound() => AcceptsUnbound ? this : new FieldProtector(_keys, CurrentKeyId, acceptUnbound: true);

    /// <summary>
    /// Encrypts a column value bound to its column and row: <paramref name="binding"/> ("Candidate.Name") and
    /// <paramref name="row"/> (the row's RowKey) are part of the associated data, so the value opens nowhere else.
    /// </summary>
    public string Protect(string plaintext, string binding, Guid row) =>
        CurrentKeyId + ":" + RowMarker + Seal(plaintext, RowAssociatedData(CurrentKeyId, binding, row));

    /// <summary>The column-bound (version 2) form, as values were written before rows were bound: for tests of old data.</summary>
    internal string Protect(string plaintext, string binding) =>
        CurrentKeyId + ":" + BoundMarker + Seal(plaintext, BoundAssociatedData(CurrentKeyId, binding));

    /// <summary>The unbound (version 1) form, as every value was written before bindings: for tests of old data.</summary>
    internal string Protect(string plaintext) => CurrentKeyId + ":" + Seal(plaintext, AssociatedData(CurrentKeyId));

    /// <summary>
    /// Decrypts a value of the column <paramref name="binding"/> names in the row <paramref name="row"/>; a value written
    /// before rows were bound opens only while <see cref="AcceptsUnbound"/> is set.
    /// </summary>
    public string Unprotect(string stored, string binding, Guid row)
    {
        try
        {
            var (keyId, body) = Split(stored);
            if (body.StartsWith(RowMarker, StringComparison.Ordinal))
                return Open(keyId, body[RowMarker.Length..], RowAssociatedData(keyId, binding, row));
            if (!AcceptsUnbound)
                throw new FieldIntegrityException(binding, row, "holds a value written before values were bound to their row: run rotate-keys "
                    + "(it reads such values and rewrites them), or set Security:AcceptUnboundFieldValues=true until it has run.", unbound: true);
            return body.StartsWith(BoundMarker, StringComparison.Ordinal)
                ? Open(keyId, body[BoundMarker.Length..], BoundAssociatedData(keyId, binding))
                : Open(keyId, body, AssociatedData(keyId));
        }
        catch (Exception e) when (e is (CryptographicException or FormatException) and not FieldIntegrityException)
        {
            throw new FieldIntegrityException(binding, row, $"does not open ({e.Message}): altered, copied from another row or column, or sealed under a key no longer in the ring.", e);
        }
    }

    /// <summary>Whether a stored value is in the row-bound (version 3) form.</summary>
    public static bool IsRowBound(string stored)
    {
        var colon = stored.IndexOf(':');
        return colon > 0 && stored.AsSpan(colon + 1).StartsWith(RowMarker, StringComparison.Ordinal);
    }

    private const string RowMarker = "v3:";

    private const string BoundMarker = "v2:";

    private string Seal(string plaintext, byte[] associatedData)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        ThreadAesGcm.For(_keys[CurrentKeyId]).Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), associatedData);
        return Convert.ToBase64String(sealedBytes);
    }

    private (string KeyId, string Body) Split(string stored)
    {
        var colon = stored.IndexOf(':');
        if (colon <= 0) throw new CryptographicException("An encrypted column holds a value without a key id.");
        return (stored[..colon], stored[(colon + 1)..]);
    }

    private string Open(string keyId, string body, byte[] associatedData)
    {
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"An encrypted column uses key '{keyId}', which is not in the configured key ring.");
        var sealedBytes = Convert.FromBase64String(body);
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("An encrypted column value is truncated.");
        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        ThreadAesGcm.For(key).Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length), plain, associatedData);
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>
    /// Seals a binary value (a stored file): key id length, key id, nonce, ciphertext, tag. <paramref name="binding"/>
    /// names what the value belongs to (e.g. a report's code) and must be given again to open it, so a sealed file
    /// moved to another row does not open.
    /// </summary>
    public byte[] ProtectBytes(ReadOnlySpan<byte> plain, string binding)
    {
        var keyId = System.Text.Encoding.ASCII.GetBytes(CurrentKeyId);
        var header = 1 + keyId.Length;
        var sealedBytes = new byte[header + NonceSize + plain.Length + TagSize];
        sealedBytes[0] = checked((byte)keyId.Length);
        keyId.CopyTo(sealedBytes, 1);
        var nonce = sealedBytes.AsSpan(header, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        ThreadAesGcm.For(_keys[CurrentKeyId]).Encrypt(nonce, plain, sealedBytes.AsSpan(header + NonceSize, plain.Length),
            sealedBytes.AsSpan(header + NonceSize + plain.Length), BlobAssociatedData(CurrentKeyId, binding));
        return sealedBytes;
    }

    public byte[] UnprotectBytes(ReadOnlySpan<byte> sealedBytes, string binding)
    {
        if (sealedBytes.Length < 1 || sealedBytes.Length < 1 + sealedBytes[0] + NonceSize + TagSize)
            throw new CryptographicException("A sealed value is truncated.");
        var header = 1 + sealedBytes[0];
        var keyId = System.Text.Encoding.ASCII.GetString(sealedBytes[1..header]);
        if (!_keys.TryGetValue(keyId, out var key))
            throw new CryptographicException($"A sealed value uses key '{keyId}', which is not in the configured key ring.");
        var length = sealedBytes.Length - header - NonceSize - TagSize;
        var plain = new byte[length];
        ThreadAesGcm.For(key).Decrypt(sealedBytes.Slice(header, NonceSize), sealedBytes.Slice(header + NonceSize, length),
            sealedBytes.Slice(header + NonceSize + length, TagSize), plain, BlobAssociatedData(keyId, binding));
        return plain;
    }

    private static byte[] BlobAssociatedData(string keyId, string binding) =>
        Encoding.UTF8.GetBytes("ScorePortal.blob.v1:" + keyId + ":" + binding);

    public static string KeyIdOf(string stored) => stored[..Math.Max(0, stored.IndexOf(':'))];

    // Binding the key id into the tag means a value cannot be passed off as encrypted under another key.
    private static byte[] AssociatedData(string keyId) => Encoding.ASCII.GetBytes("ScorePortal.field.v1:" + keyId);

    // Version 2 adds the column: a value moved from Candidate.Email into Candidate.Name no longer opens.
    private static byte[] BoundAssociatedData(string keyId, string binding) =>
        Encoding.UTF8.GetBytes("ScorePortal.field.v2:" + keyId + ":" + binding);

    // Version 3 adds the row: a value moved from one candidate's Name into another's no longer opens.
    private static byte[] RowAssociatedData(string keyId, string binding, Guid row) =>
        Encoding.UTF8.GetBytes("ScorePortal.field.v3:" + keyId + ":" + binding + ":" + row.ToString("N"));
}
