using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// The form of an API key: <c>spk_</c> and 43 base64url characters (256 random bits). Only <see cref="Hash"/> of it is
/// stored; a call finds its key by that hash (a unique index), so checking a key costs one SHA-256 and one seek.
/// </summary>
public static class ApiKeySecrets
{
    public const string Marker = "spk_";
    public const int RandomBytes = 32;

    /// <summary>How many characters of a key are kept in <see cref="ApiKey.Prefix"/> to tell keys apart in lists.</summary>
    public const int PrefixLength = 12;

    /// <summary>A new key: the secret to show once, its prefix and its hash to store.</summary>
    public static (string Key, string Prefix, byte[] Hash) NewKey()
    {
        var key = Marker + Base64Url(RandomNumberGenerator.GetBytes(RandomBytes));
        return (key, key[..PrefixLength], Hash(key));
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public static byte[] Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Whether <paramref name="value"/> has the form of a key (cheap check before any lookup).</summary>
    public static bool LooksLikeKey(string? value) =>
        value is { Length: 47 } && value.StartsWith(Marker, StringComparison.Ordinal)
        && value.AsSpan(Marker.Length).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
