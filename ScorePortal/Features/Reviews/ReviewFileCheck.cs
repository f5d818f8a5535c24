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
