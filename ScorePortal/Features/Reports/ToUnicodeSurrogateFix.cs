using System.Reflection;
using PdfSharp.Pdf;

namespace ScorePortal.Features.Reports;

/// <summary>
/// PDFsharp 6.2.4 writes each ToUnicode entry as <c>{(uint)codePoint:X4}</c>, so a character beyond the BMP such as
/// 𠮷 (U+20BB7) becomes the odd-length string &lt;20BB7&gt;, which readers decode as U+20BB ("₻"): the name would look
/// right but copy, search and verify as something else. The destination must be UTF-16BE, i.e. the surrogate pair
/// &lt;D842DFB7&gt;. Rewriting the code point to the integer 0xD842DFB7 before saving makes PDFsharp's own formatting
/// write exactly that. The map is internal to PDFsharp, hence reflection; a PDFsharp update that changes it fails
/// loudly here (and in the extraction tests) instead of producing wrong text.
/// </summary>
internal static class ToUnicodeSurrogateFix
{
    private const string MapTypeName = "PdfSharp.Pdf.Advanced.PdfToUnicodeMap";

    public static void Apply(PdfDocument document)
    {
        foreach (var map in document.Internals.GetAllObjects().Where(o => o.GetType().FullName == MapTypeName))
        {
            var cmapInfo = map.GetType().GetProperty("CMapInfo", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(map)
                ?? throw Unsupported("PdfToUnicodeMap.CMapInfo");
            var field = cmapInfo.GetType().GetField("CodePointsToGlyphIndices", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                ?? throw Unsupported("CMapInfo.CodePointsToGlyphIndices");
            if (field.GetValue(cmapInfo) is not Dictionary<int, ushort> codePoints) throw Unsupported("CMapInfo.CodePointsToGlyphIndices type");

            var beyondBmp = codePoints.Where(e => e.Key > 0xFFFF).ToList();
            foreach (var (codePoint, glyph) in beyondBmp)
            {
                var text = char.ConvertFromUtf32(codePoint);
                codePoints.Remove(codePoint);
                codePoints[unchecked((int)((uint)text[0] << 16 | text[1]))] = glyph;
            }
        }
    }

    private static InvalidOperationException Unsupported(string member) =>
        new($"The PDFsharp version in use no longer has {member}; check ToUnicodeSurrogateFix against its ToUnicode writer.");
}
