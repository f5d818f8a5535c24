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

    /// <summary>
    /// Text split into font runs with their widths, measured once. PDFsharp looks every character up in the font's
    /// cmap for each measurement and each drawing, so a line is laid out once and drawn from the layout (the
    /// watermark draws one layout some fifty times).
    /// </summary>
    internal sealed record Layout(XFont[] Fonts, string[] Texts, double[] Widths, double Width);

    public Layout Lay(string text, double size, bool bold = false)
    {
        var runs = chain.Runs(text);
        var fonts = new XFont[runs.Count];
        var texts = new string[runs.Count];
        var widths = new double[runs.Count];
        var width = 0.0;
        for (var i = 0; i < runs.Count; i++)
        {
            fonts[i] = Font(runs[i].Family, size, bold);
            texts[i] = runs[i].Text;
            width += widths[i] = graphics.MeasureString(texts[i], fonts[i]).Width;
        }
        return new Layout(fonts, texts, widths, width);
    }

    public double Measure(string text, double size, bool bold = false) => Lay(text, size, bold).Width;

    /// <summary>Draws one line with its baseline at <paramref name="baseline"/>; returns its width.</summary>
    public double Draw(string text, double x, double baseline, double size, XBrush brush, bool bold = false, TextAlign align = TextAlign.Left) =>
        Draw(Lay(text, size, bold), x, baseline, brush, align);

    public double Draw(Layout layout, double x, double baseline, XBrush brush, TextAlign align = TextAlign.Left)
    {
        var left = align switch
        {
            TextAlign.Center => x - layout.Width / 2,
            TextAlign.Right => x - layout.Width,
            _ => x,
        };
        for (var i = 0; i < layout.Texts.Length; i++)
        {
            graphics.DrawString(layout.Texts[i], layout.Fonts[i], brush, left, baseline, XStringFormats.BaseLineLeft);
            left += layout.Widths[i];
        }
        return layout.Width;
    }

    /// <summary>One line that must fit <paramref name="maxWidth"/>: a long qualification name or address is set smaller, never cut.</summary>
    public void DrawFitted(string text, double x, double baseline, double size, double maxWidth, XBrush brush, bool bold = false, TextAlign align = TextAlign.Left)
    {
        var layout = Lay(text, size, bold);
        if (layout.Width > maxWidth) layout = Lay(text, Math.Max(5, size * maxWidth / layout.Width), bold);
        Draw(layout, x, baseline, brush, align);
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

    /// <summary>Widths add up character by character (PDFsharp does not kern), so each character is measured once.</summary>
    internal List<string> Wrap(string text, double size, double maxWidth, bool bold)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var widths = new List<double>();   // of each character in line, for re-measuring after a break
        foreach (var rune in text.EnumerateRunes())
        {
            var character = rune.ToString();
            line.Append(character);
            widths.Add(Measure(character, size, bold));
            if (widths.Sum() <= maxWidth) continue;
            var current = line.ToString();
            var space = current.LastIndexOf(' ');
            var cut = space > 0 ? space + 1 : current.Length - character.Length;
            if (cut <= 0) cut = current.Length;
            lines.Add(current[..cut].TrimEnd());
            var rest = current[cut..].TrimStart();
            line.Clear().Append(rest);
            widths.Clear();
            foreach (var r in rest.EnumerateRunes()) widths.Add(Measure(r.ToString(), size, bold));
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
