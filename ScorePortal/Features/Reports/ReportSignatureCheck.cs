using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;

namespace ScorePortal.Features.Reports;

/// <summary>What <see cref="ReportSignatureCheck"/> found, the first failed check in this order.</summary>
public enum ReportSignatureVerdict
{
    /// <summary>Signed by the portal's report certificate, over every byte of the file.</summary>
    Valid,

    /// <summary>No PDF header: not a PDF at all (or cut before its first line).</summary>
    NotPdf,

    /// <summary>A PDF without a readable signature (no /ByteRange + /Contents, a range outside the file, no CMS inside).</summary>
    NotSigned,

    /// <summary>The signature does not match the signed bytes: the file was changed after signing.</summary>
    Altered,

    /// <summary>A valid signature, but by another certificate than the portal's.</summary>
    OtherSigner,

    /// <summary>A valid signature that does not cover the whole file: bytes were appended after signing.</summary>
    NotWholeFile,
}

/// <summary>
/// Checks an uploaded report's signature without trusting anything in it: the signature dictionary's /ByteRange names
/// the signed bytes and the gap between them holds /Contents, the CMS SignedData (detached). The signer must be the
/// configured report certificate, and the signed ranges must be the whole file, so a valid signature followed by an
/// incremental update (which could change what a viewer shows) is not "valid". Never throws on hostile input.
/// </summary>
public sealed class ReportSignatureCheck(ReportSigningCertificate signing)
{
    private static readonly byte[] ByteRangeKey = "/ByteRange"u8.ToArray();

    public ReportSignatureVerdict Check(ReadOnlySpan<byte> pdf)
    {
        // A PDF may have a little junk before its header (readers accept up to 1 KB); anything else is not a PDF.
        var head = pdf[..Math.Min(pdf.Length, 1024)];
        if (head.IndexOf("%PDF-"u8) < 0) return ReportSignatureVerdict.NotPdf;

        // PDFsharp writes one signature, with the ByteRange beside its Contents; the first well-formed one is it.
        // Text appended after signing cannot move it, because it comes first in the file.
        var at = pdf.IndexOf(ByteRangeKey);
        if (at < 0 || !TryReadByteRange(pdf[(at + ByteRangeKey.Length)..], out var range)) return ReportSignatureVerdict.NotSigned;
        var (start1, length1, start2, length2) = range;
        var fileLength = (long)pdf.Length;
        if (start1 != 0 || length1 <= 0 || start2 <= length1 + 1 || length2 < 0 || start2 > fileLength || length2 > fileLength - start2)
            return ReportSignatureVerdict.NotSigned;

        // The one gap in the signed bytes is exactly the hex string <...> of /Contents.
        var gap = pdf[(int)length1..(int)start2];
        if (gap.Length < 2 || gap[0] != (byte)'<' || gap[^1] != (byte)'>') return ReportSignatureVerdict.NotSigned;
        if (!TryDecodeHex(gap[1..^1], out var der) || DerLength(der) is not { } derLength) return ReportSignatureVerdict.NotSigned;

        var signed = new byte[length1 + length2];
        pdf[..(int)length1].CopyTo(signed);
        pdf.Slice((int)start2, (int)length2).CopyTo(signed.AsSpan((int)length1));

        SignedCms cms;
        try
        {
            cms = new SignedCms(new ContentInfo(signed), detached: true);
            cms.Decode(der.AsSpan(0, derLength));
        }
        catch (CryptographicException)
        {
            return ReportSignatureVerdict.NotSigned;
        }
        if (cms.SignerInfos.Count != 1 || cms.SignerInfos[0].Certificate is not { } signer) return ReportSignatureVerdict.NotSigned;

        try
        {
            // Signature only: the certificate is compared with ours below instead of being chained to a root.
            // This also compares the message-digest attribute with SHA-256 of the signed ranges.
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return ReportSignatureVerdict.Altered;
        }

        if (!signer.RawDataMemory.Span.SequenceEqual(signing.Certificate.RawDataMemory.Span)) return ReportSignatureVerdict.OtherSigner;
        return start2 + length2 == fileLength ? ReportSignatureVerdict.Valid : ReportSignatureVerdict.NotWholeFile;
    }

    /// <summary>Reads "[a b c d]" with non-negative integers of at most 15 digits (a petabyte); anything else is refused.</summary>
    internal static bool TryReadByteRange(ReadOnlySpan<byte> text, out (long, long, long, long) range)
    {
        range = default;
        var i = SkipSpace(text, 0);
        if (i >= text.Length || text[i] != (byte)'[') return false;
        i++;
        Span<long> values = stackalloc long[4];
        for (var n = 0; n < 4; n++)
        {
            i = SkipSpace(text, i);
            var digits = 0;
            long value = 0;
            while (i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9')
            {
                if (++digits > 15) return false;
                value = value * 10 + (text[i] - '0');
                i++;
            }
            if (digits == 0) return false;
            values[n] = value;
        }
        i = SkipSpace(text, i);
        if (i >= text.Length || text[i] != (byte)']') return false;
        range = (values[0], values[1], values[2], values[3]);
        return true;
    }

    private static int SkipSpace(ReadOnlySpan<byte> text, int i)
    {
        while (i < text.Length && text[i] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'\f' or 0) i++;
        return i;
    }

    private static bool TryDecodeHex(ReadOnlySpan<byte> hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length % 2 != 0) return false;
        var result = new byte[hex.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[2 * i + 1]);
            if (high < 0 || low < 0) return false;
            result[i] = (byte)(high << 4 | low);
        }
        bytes = result;
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// The signature is padded with zeros to the size reserved before signing; the CMS itself is one DER SEQUENCE
    /// whose header says how long it is. Null when the header is not a SEQUENCE that fits.
    /// </summary>
    internal static int? DerLength(byte[] der)
    {
        if (der.Length < 2 || der[0] != 0x30) return null;
        int first = der[1];
        if (first < 0x80) return 2 + first <= der.Length ? 2 + first : null;
        var count = first & 0x7F;
        if (count is 0 or > 4 || der.Length < 2 + count) return null;
        long length = 0;
        for (var i = 0; i < count; i++) length = length << 8 | der[2 + i];
        var total = 2 + count + length;
        return total <= der.Length ? (int)total : null;
    }
}
