using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ScorePortal.Features.ShareLinks;

/// <summary>
/// A share link's token: 18 bytes from <see cref="RandomNumberGenerator"/> (144 bits) as 24 base64url characters, no
/// padding. Only its SHA-256 is looked up; a string that cannot be a token never reaches the database.
/// </summary>
public static class ShareLinkToken
{
    public const int Bytes = 18;

    /// <summary>The length of a token in characters (base64url of <see cref="Bytes"/> without padding).</summary>
    public const int Length = Bytes * 4 / 3;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>True when <paramref name="token"/> has a token's shape (length and alphabet).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: Length } && Base64Url.IsValid(token, out var decoded) && decoded == Bytes;

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
