using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ScorePortal.Features.Reports;

public enum TextAlign
{
    Left,
    Center,
    Right,
}

/// <summary>
/// Draws text on one report page through the font chain: each run of characters in the font that has them, all runs
/// on one baseline (fonts differ in ascent, so aligning tops would make a mixed name such as 杨𠮷 jump).
/// One per page; not shared between threads.
/// </summary>
internal sealed class ReportTextDrawer(XGraphics graphics, ReportFontChain chain)
{
    /// <summary>Subset-embedded, Unicode (Identity-H with a ToUnicode map), so the text stays searchable and extractable.</summary>
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    private readonly Dictionary<(string Family, double Size, bool Bold), XFont> _fonts = [];

    public XGraphics Graphics => graphics;

    public double Measure(string text, double size, bool bold = false)
    {
        var width = 0.0;
        foreach (var (family, run) in chain.Runs(text))
            width += graphics.MeasureString(run, Font(family, size, bold)).Width;
        return width;
    }

    /// <summary>Draws one line with its baseline at <paramref name="baseline"/>; returns its width.</summary>
    public double Draw(string text, double x, double baseline, double size, XBrush brush, bool bold = false, TextAlign align = TextAlign.Left)
    {
        var runs = chain.Runs(text);
        var width = 0.0;
        var widths = new double[runs.Count];
        for (var i = 0; i < runs.Count; i++)
            width += widths[i] = graphics.MeasureString(runs[i].Text, Font(runs[i].Family, size, bold)).Width;
        var left = align switch
        {
            TextAlign.Center => x - width / 2,
            TextAlign.Right => x - width,
            _ => x,
        };
        for (var i = 0; i < runs.Count; i++)
        {
            graphics.DrawString(runs[i].Text, Font(runs[i].Family, size, bold), brush, left, baseline, XStringFormats.BaseLineLeft);
            left += widths[i];
        }
        return width;
    }

    /// <summary>One line that must fit <paramref name="maxWidth"/>: a long qualification name or address is set smaller, never cut.</summary>
    public void DrawFitted(string text, double x, double baseline, double size, double maxWidth, XBrush brush, bool bold = false, TextAlign align = TextAlign.Left)
    {
        var width = Measure(text, size, bold);
        var fitted = width <= maxWidth ? size : Math.Max(5, size * maxWidth / width);
        Draw(text, x, baseline, fitted, brush, bold, align);
    }

    /// <summary>
    /// Wraps text into lines of at most <paramref name="maxWidth"/>, breaking after a space when the line has one
    /// (English) and between any two characters otherwise (Chinese). Returns the baseline after the last line.
    /// </summary>
    public double DrawWrapped(string text, double x, double baseline, double size, double maxWidth, double lineHeight, XBrush brush, bool bold = false)
    {
        foreach (var line in Wrap(text, size, maxWidth, bold))
        {
            Draw(line, x, baseline, size, brush, bold);
            baseline += lineHeight;
        }
        return baseline;
    }

    internal List<string> Wrap(string text, double size, double maxWidth, bool bold)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            line.Append(rune.ToString());
            if (Measure(line.ToString(), size, bold) <= maxWidth) continue;
            var current = line.ToString();
            var space = current.LastIndexOf(' ');
            var cut = space > 0 ? space + 1 : current.Length - rune.Utf16SequenceLength;
            if (cut <= 0) cut = current.Length;
            lines.Add(current[..cut].TrimEnd());
            line.Clear().Append(current[cut..].TrimStart());
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }

    private XFont Font(string family, double size, bool bold)
    {
        if (!_fonts.TryGetValue((family, size, bold), out var font))
            _fonts[(family, size, bold)] = font = new XFont(family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Unicode);
        return font;
    }
}
