using System.IO.Compression;
using PdfSharp.Pdf.IO;

namespace ScorePortal.Features.Reviews;

/// <summary>What an upload is, decided from its bytes (never from its name or the browser's content type).</summary>
public sealed record CheckedFile(string ContentType, int Pages, byte[] Bytes);

/// <summary>
/// Accepts PDF, JPEG and PNG by their magic bytes, at most <see cref="ReviewOptions.MaxFileBytes"/> and
/// <see cref="ReviewOptions.MaxPages"/> pages; anything else (an executable or an HTML page renamed to .pdf) is refused
/// with a resource key. The check runs on bytes in memory, before anything is written to disk.
/// </summary>
public static class ReviewFileCheck
{
    public const string Pdf = "application/pdf";
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    /// <summary>Reads at most one byte more than the limit, so a huge upload is never buffered whole.</summary>
    public static async Task<(CheckedFile? File, string? Error)> CheckAsync(Stream content, long declaredLength, ReviewOptions options,
        bool pdfOnly, CancellationToken ct)
    {
        if (declaredLength > options.MaxFileBytes) return (null, ReviewErrors.FileTooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > options.MaxFileBytes) return (null, ReviewErrors.FileTooLarge);
        }
        var bytes = buffer.ToArray();
        if (bytes.Length == 0) return (null, ReviewErrors.FileEmpty);

        var type = TypeOf(bytes);
        if (type is null || (pdfOnly && type != Pdf)) return (null, pdfOnly ? ReviewErrors.FileNotPdf : ReviewErrors.FileType);
        var pages = 1;
        if (type == Pdf)
        {
            // PDFsharp inflates cross-reference and object streams whole and unbounded while opening: a 400 KB file can
            // ask for gigabytes. Every stream is first inflated into nothing, under a budget, before PDFsharp sees it.
            if (!PdfExpansion.WithinBudget(bytes)) return (null, ReviewErrors.FilePdfExpands);
            if (CountPages(bytes) is not { } count) return (null, ReviewErrors.FileType);
            pages = count;
            if (pages > options.MaxPages) return (null, ReviewErrors.FileTooManyPages);
        }
        return (new CheckedFile(type, pages, bytes), null);
    }

    /// <summary>The type from the first bytes: %PDF-, FF D8 FF, or the PNG signature; null for anything else.</summary>
    public static string? TypeOf(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith("%PDF-"u8) ? Pdf
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? Jpeg
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? Png
        : null;

    /// <summary>Page count of a PDF, or null when PDFsharp cannot open it (a file that only starts like a PDF).</summary>
    private static int? CountPages(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = PdfReader.Open(stream, PdfDocumentOpenMode.Import);
            return document.PageCount;
        }
        catch (Exception ex) when (ex is PdfReaderException or InvalidOperationException or FormatException
                                       or ArgumentException or IndexOutOfRangeException or NotSupportedException or IOException)
        {
            return null;
        }
    }
}

/// <summary>
/// Whether every stream of a PDF stays within <see cref="MaxStreamBytes"/> and all of them within
/// <see cref="MaxTotalBytes"/> once decompressed, decided without trusting the file's dictionaries: each stream's bytes
/// are inflated when they carry a zlib header (whatever /Filter claims), ASCII hex and ASCII85 layers are peeled, and a
/// layer that is itself compressed again is followed. Output is counted, not kept (only a nested layer is held, at most
/// one stream's budget). Refused outright, because they cannot be bounded this way: encrypted files (their streams are
/// inflated by PDFsharp after decryption), LZW and run-length compression, and a /Filter given by reference.
/// </summary>
public static class PdfExpansion
{
    /// <summary>The most one stream may inflate to: a full-page 300 dpi colour scan stored losslessly (A4: 26 MB).</summary>
    public const long MaxStreamBytes = 32L * 1024 * 1024;

    /// <summary>The most all streams of a file may inflate to together.</summary>
    public const long MaxTotalBytes = 128L * 1024 * 1024;

    private const int MaxLayers = 4;

    public static bool WithinBudget(byte[] pdf)
    {
        if (HasForbiddenName(pdf)) return false;
        var total = 0L;
        var position = 0;
        while (NextStream(pdf, ref position) is var (start, length) && length >= 0)
        {
            var size = Expanded(new ReadOnlyMemory<byte>(pdf, start, length), MaxLayers);
            if (size is null || (total += size.Value) > MaxTotalBytes) return false;
        }
        return true;
    }

    /// <summary>The next stream's data after <paramref name="position"/>: from the EOL after "stream" to "endstream".</summary>
    private static (int Start, int Length) NextStream(byte[] pdf, ref int position)
    {
        var span = pdf.AsSpan();
        while (position < pdf.Length)
        {
            var found = span[position..].IndexOf("stream"u8);
            if (found < 0) break;
            var at = position + found;
            position = at + 6;
            if (at > 0 && (pdf[at - 1] == (byte)'d' || char.IsAsciiLetter((char)pdf[at - 1]))) continue; // "endstream"
            var start = at + 6;
            if (start < pdf.Length && pdf[start] == '\r') start++;
            if (start < pdf.Length && pdf[start] == '\n') start++;
            else if (start < pdf.Length && pdf[start - 1] != '\r') continue; // "stream" inside a name or text
            var end = span[start..].IndexOf("endstream"u8);
            var stop = end < 0 ? pdf.Length : start + end;
            position = stop;
            return (start, stop - start);
        }
        return (0, -1);
    }

    /// <summary>Bytes a stream decodes to, or null when that exceeds <see cref="MaxStreamBytes"/>.</summary>
    private static long? Expanded(ReadOnlyMemory<byte> data, int layers)
    {
        data = PeelAscii(data);
        if (layers == 0 || !IsZlibHeader(data.Span)) return data.Length;
        using var inflater = new ZLibStream(AsStream(data), CompressionMode.Decompress);
        var chunk = new byte[64 * 1024];
        var total = 0L;
        using var nested = new MemoryStream();
        var again = false;
        int read;
        while ((read = ReadSome(inflater, chunk)) > 0)
        {
            if (total == 0) again = LooksEncodedAgain(chunk.AsSpan(0, read));
            total += read;
            if (total > MaxStreamBytes) return null;
            if (again) nested.Write(chunk, 0, read);
        }
        if (!again) return total;
        return Expanded(nested.ToArray(), layers - 1) is { } inner ? Math.Max(total, inner) : null;
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    /// <summary>Reads; a stream that stops being valid deflate ends there (PDFsharp's inflater gets no further either).</summary>
    private static int ReadSome(Stream inflater, byte[] chunk)
    {
        try
        {
            return inflater.Read(chunk, 0, chunk.Length);
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    private static bool IsZlibHeader(ReadOnlySpan<byte> b) =>
        b.Length >= 2 && (b[0] & 0x0F) == 8 && b[0] >> 4 <= 7 && ((b[0] << 8) | b[1]) % 31 == 0;

    private static bool LooksEncodedAgain(ReadOnlySpan<byte> head) =>
        IsZlibHeader(head) || IsHexText(head) || head.TrimStart(" \r\n\t"u8).StartsWith("<~"u8) || IsAscii85Text(head);

    private static bool IsHexText(ReadOnlySpan<byte> b) =>
        b.Length > 0 && !b.ContainsAnyExcept("0123456789abcdefABCDEF \r\n\t\f>"u8);

    private static bool IsAscii85Text(ReadOnlySpan<byte> b)
    {
        var trimmed = b.TrimEnd(" \r\n\t"u8);
        if (!trimmed.EndsWith("~>"u8)) return false;
        foreach (var c in trimmed[..^2]) if (!(c is >= (byte)'!' and <= (byte)'u' || c == 'z' || c is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t')) return false;
        return true;
    }

    /// <summary>Undoes ASCIIHexDecode and ASCII85Decode layers (they only shrink), so the zlib data under them is seen.</summary>
    private static ReadOnlyMemory<byte> PeelAscii(ReadOnlyMemory<byte> data)
    {
        for (var i = 0; i < MaxLayers; i++)
        {
            var span = data.Span.Trim(" \r\n\t\f"u8);
            if (span.Length > 1 && IsHexText(span) && span[^1] == '>') data = FromHex(span[..^1]);
            else if (span.Length > 1 && IsAscii85Text(span)) data = FromAscii85(span.StartsWith("<~"u8) ? span[2..^2] : span[..^2]);
            else break;
        }
        return data;
    }

    private static byte[] FromHex(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length / 2 + 1);
        var high = -1;
        foreach (var c in text)
        {
            var v = c is >= (byte)'0' and <= (byte)'9' ? c - '0' : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10 : c is >= (byte)'A' and <= (byte)'F' ? c - 'A' + 10 : -1;
            if (v < 0) continue;
            if (high < 0) high = v;
            else
            {
                result.Add((byte)(high << 4 | v));
                high = -1;
            }
        }
        if (high >= 0) result.Add((byte)(high << 4));
        return [.. result];
    }

    private static byte[] FromAscii85(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length);
        uint value = 0;
        var count = 0;
        foreach (var c in text)
        {
            if (c == 'z' && count == 0)
            {
                result.AddRange([0, 0, 0, 0]);
                continue;
            }
            if (c is < (byte)'!' or > (byte)'u') continue;
            value = value * 85 + (uint)(c - '!');
            if (++count == 5)
            {
                result.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
                value = 0;
                count = 0;
            }
        }
        if (count > 1)
        {
            for (var i = count; i < 5; i++) value = value * 85 + 84;
            for (var i = 0; i < count - 1; i++) result.Add((byte)(value >> (24 - 8 * i)));
        }
        return [.. result];
    }

    /// <summary>
    /// Names that make the budget unprovable, read with their #xx escapes undone (/Encr#79pt is /Encrypt): /Encrypt,
    /// /LZWDecode, /RunLengthDecode (their abbreviations serve inline images only, which PDFsharp does not decode), and /Filter followed by an object reference.
    /// </summary>
    private static bool HasForbiddenName(ReadOnlySpan<byte> pdf)
    {
        Span<byte> name = stackalloc byte[32];
        for (var i = 0; i < pdf.Length; i++)
        {
            if (pdf[i] != '/') continue;
            var length = 0;
            var j = i + 1;
            for (; j < pdf.Length && length < name.Length; j++)
            {
                var c = pdf[j];
                if (c <= ' ' || c is (byte)'/' or (byte)'[' or (byte)']' or (byte)'<' or (byte)'>' or (byte)'(' or (byte)')' or (byte)'{' or (byte)'}' or (byte)'%') break;
                if (c == '#' && j + 2 < pdf.Length && byte.TryParse(pdf.Slice(j + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var escaped))
                {
                    c = escaped;
                    j += 2;
                }
                name[length++] = c;
            }
            var n = name[..length];
            if (n.SequenceEqual("Encrypt"u8) || n.SequenceEqual("LZWDecode"u8)
                || n.SequenceEqual("RunLengthDecode"u8))
                return true;
            if (n.SequenceEqual("Filter"u8))
            {
                var k = j;
                while (k < pdf.Length && pdf[k] <= ' ') k++;
                if (k < pdf.Length && char.IsAsciiDigit((char)pdf[k])) return true;
            }
            i = j - 1;
        }
        return false;
    }
}
