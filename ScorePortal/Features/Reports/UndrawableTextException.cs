using System.Globalization;

namespace ScorePortal.Features.Reports;

/// <summary>
/// A report would have to print a character that no font of the chain has. An official document never shows an
/// empty box in a candidate's name, so the report is not produced; callers check <see cref="ReportFontChain.CanDraw"/> first.
/// </summary>
public sealed class UndrawableTextException(int codePoint)
    : Exception($"No report font has a glyph for U+{codePoint.ToString("X4", CultureInfo.InvariantCulture)}; the report cannot be drawn.")
{
    public int CodePoint { get; } = codePoint;
}
