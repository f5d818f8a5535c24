using System.Buffers.Text;
using System.IO.Compression;

namespace ScorePortal.Features.Credentials;

/// <summary>
/// The bitstring of a W3C Bitstring Status List: <see cref="Size"/> entries of one bit, index 0 the left-most bit of
/// the first byte, GZIP-compressed and written as a multibase base64url string without padding (<c>u…</c>).
/// </summary>
public static class StatusBits
{
    /// <summary>Entries per list: the specification's minimum (16 KB uncompressed), for herd privacy.</summary>
    public const int Size = 131_072;

    public const string Revocation = "revocation";
    public const string Message = "message";

    public static string Encode(IEnumerable<int> setIndexes)
    {
        ArgumentNullException.ThrowIfNull(setIndexes);
        var bits = new byte[Size / 8];
        foreach (var index in setIndexes)
        {
            if (index is < 0 or >= Size) throw new ArgumentOutOfRangeException(nameof(setIndexes), index, "Outside the list.");
            bits[index / 8] |= (byte)(0x80 >> (index % 8));
        }
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bits);
        return "u" + Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>The uncompressed bitstring, or null when the text is not a multibase base64url GZIP stream.</summary>
    public static byte[]? Decode(string? encodedList)
    {
        if (encodedList is not { Length: > 1 } || encodedList[0] != 'u') return null;
        try
        {
            var compressed = Base64Url.DecodeFromChars(encodedList.AsSpan(1));
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            // A list is 16 KB; a bomb stops at 1 MB.
            var chunk = new byte[8192];
            int read;
            while ((read = input.Read(chunk)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > 1024 * 1024) return null;
            }
            return output.ToArray();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Null when the index lies outside the bitstring.</summary>
    public static bool? IsSet(byte[] bits, long index)
    {
        ArgumentNullException.ThrowIfNull(bits);
        if (index < 0 || index / 8 >= bits.Length) return null;
        return (bits[index / 8] & (0x80 >> (int)(index % 8))) != 0;
    }
}
