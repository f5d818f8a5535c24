using System.Globalization;
using Microsoft.Extensions.Localization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using ScorePortal.Features.Reports;
using ScorePortal.Localization;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// The published report as a PDF, drawn with the score report's font chain (embedded, subset, CJK included) so the
/// text is searchable and copyable: the title, what the figures cover, and per section its figures.
/// </summary>
public sealed class DataSecurityReportPdf(ReportFontChain fonts, IStringLocalizerFactory localizers)
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Margin = 56;

    /// <summary>The PDF of <paramref name="figures"/> in the current UI culture.</summary>
    public byte[] Render(DataSecurityFigures figures, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var l = localizers.Create(typeof(SharedResource));
        var labels = new DataSecurityLabels(l);
        using var document = new PdfDocument();
        document.Info.Title = labels.Title(figures.Year);
        document.Options.CompressContentStreams = true;
        PdfPage? page = null;
        XGraphics? graphics = null;
        ReportTextDrawer? draw = null;
        var y = 0.0;
        void NewPage()
        {
            graphics?.Dispose();
            page = document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            graphics = XGraphics.FromPdfPage(page);
            draw = new ReportTextDrawer(graphics, fonts);
            y = Margin + 10;
        }
        NewPage();
        draw!.Draw(Drawable(labels.Title(figures.Year)), PageWidth / 2, y + 14, 18, XBrushes.Black, bold: true, align: TextAlign.Center);
        y += 48;
        y = draw.DrawWrapped(Drawable(labels.Coverage(figures, publishedAt)), Margin, y, 10, PageWidth - 2 * Margin, 15, XBrushes.DimGray) + 10;
        foreach (var section in DataSecurityFigures.Sections)
        {
            var rows = figures.Figures.Where(f => f.Section == section).ToList();
            if (rows.Count == 0) continue;
            if (y > PageHeight - Margin - 60) NewPage();
            y += 12;
            draw!.Draw(Drawable(labels.Section(section)), Margin, y, 13, XBrushes.Black, bold: true);
            y += 22;
            foreach (var figure in rows)
            {
                if (y > PageHeight - Margin) NewPage();
                draw!.DrawFitted(Drawable(labels.Figure(figure)), Margin + 10, y, 11, PageWidth - 2 * Margin - 140, XBrushes.Black);
                draw.Draw(figure.Value.ToString("N0", CultureInfo.InvariantCulture), PageWidth - Margin, y, 11, XBrushes.Black, align: TextAlign.Right);
                graphics!.DrawLine(XPens.LightGray, Margin, y + 6, PageWidth - Margin, y + 6);
                y += 20;
            }
        }
        if (y > PageHeight - Margin - 60) NewPage();
        draw!.DrawWrapped(Drawable(l["DataSecurity.Definitions"]), Margin, y + 20, 9, PageWidth - 2 * Margin, 13, XBrushes.DimGray);
        graphics?.Dispose();
        ToUnicodeSurrogateFix.Apply(document);
        using var output = new MemoryStream(64 * 1024);
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private string Drawable(string text)
    {
        while (fonts.FirstUndrawable(text) is { } missing) text = text.Replace(missing, "?", StringComparison.Ordinal);
        return text;
    }
}

/// <summary>The labels of the report, shared by the pages and the PDF.</summary>
public sealed class DataSecurityLabels(IStringLocalizer l)
{
    public string Title(int year) => l["DataSecurity.ReportTitle", year.ToString(CultureInfo.InvariantCulture)];

    public string Section(string section) => l["DataSecurity.Section." + section];

    /// <summary>A figure's label; a retention kind added later without its own label shows its rule name.</summary>
    public string Figure(DataSecurityFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var label = l["DataSecurity.Figure." + figure.Section + "." + figure.Key];
        return label.ResourceNotFound ? l["DataSecurity.Figure.retention.other", figure.Key] : label.Value;
    }

    /// <summary>What the figures cover, when they were counted and published, and whether archives were counted.</summary>
    public string Coverage(DataSecurityFigures figures, DateTimeOffset publishedAt)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var text = l["DataSecurity.Coverage", PortalFormat.DateTime(figures.From), PortalFormat.DateTime(figures.To),
            PortalFormat.DateTime(publishedAt), figures.ArchivedEntries.ToString("N0", CultureInfo.InvariantCulture)].Value;
        return figures.ArchivesUnreadable > 0 ? text + " " + l["DataSecurity.ArchivesUnreadable", figures.ArchivesUnreadable] : text;
    }
}
