using System.Globalization;
using System.Security.Cryptography;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Annotations;
using PdfSharp.Pdf.Signatures;
using QRCoder;
using ScorePortal.Localization;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Draws a <see cref="ScoreReportContent"/> as a one-page A4 PDF in the content's language, watermarked with the
/// candidate's name, masked ID and issue time, protected against modification (printing and copying text stay
/// allowed) and signed (CMS, adbe.pkcs7.detached, SHA-256) with the portal's report certificate in the same file.
/// Thread-safe: every call builds its own document.
/// </summary>
public sealed class ScoreReportRenderer(ReportFontChain fonts, ReportLabels labels, ReportSigningCertificate signing)
{
    /// <summary>
    /// One signer for every report: it learns the size of a signature by signing an empty stream once, which a
    /// signer per document would repeat for each report (an RSA signature more per download).
    /// </summary>
    private readonly PdfSharpDefaultSigner _signer = new(signing.Certificate, PdfMessageDigestType.SHA256, null);

    private const double PageWidth = 595.28;  // A4 in points
    private const double PageHeight = 841.89;
    private const double Left = 56;
    private const double Right = PageWidth - 56;
    private const double ContentWidth = Right - Left;

    private static readonly XColor Ink = XColor.FromArgb(0x1A, 0x1A, 0x1A);
    private static readonly XColor Navy = XColor.FromArgb(0x1F, 0x3A, 0x5F);
    private static readonly XColor Crimson = XColor.FromArgb(0xB0, 0x1E, 0x23);
    private static readonly XColor Rule = XColor.FromArgb(0x9A, 0xA8, 0xBA);
    private static readonly XColor LabelFill = XColor.FromArgb(0xEE, 0xF2, 0xF7);
    private static readonly XColor Muted = XColor.FromArgb(0x5A, 0x64, 0x70);
    private static readonly XColor PassGreen = XColor.FromArgb(0x1E, 0x6B, 0x3A);

    /// <summary>True when every character of <paramref name="text"/> can be printed (see <see cref="ReportFontChain"/>).</summary>
    public bool CanDraw(string text) => fonts.CanDraw(text);

    /// <summary>The first character no report font has, or null.</summary>
    public string? FirstUndrawable(string text) => fonts.FirstUndrawable(text);

    /// <summary>The finished, protected and signed PDF.</summary>
    /// <exception cref="UndrawableTextException">Some text of the content has a character no report font has.</exception>
    public byte[] Render(ScoreReportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        foreach (var text in TextsOf(content))
            if (fonts.FirstUndrawable(text) is { } missing) throw new UndrawableTextException(char.ConvertToUtf32(missing, 0));

        var culture = ReportLabels.CultureOf(content.Culture);
        var l = labels.For(culture);
        using var document = new PdfDocument();
        document.Info.Title = $"{l["Report.Title"]} {content.TicketNumber}";
        document.Info.Author = l["Report.Issuer"];
        document.Info.Subject = l["App.Subtitle"];
        document.Info.CreationDate = content.IssuedAt.UtcDateTime;
        document.Language = culture.Name;
        document.Options.CompressContentStreams = true;
        // Most of a report's cost is compressing its font subsets, whose loca and hmtx tables keep an entry for every
        // glyph of the full font (65,535 in Noto Sans SC). zlib's fastest level halves that time for ~25 KB more per
        // font (bench/RESULTS.md): CPU is what release day runs short of, not bytes.
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;

        var page = document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        using (var graphics = XGraphics.FromPdfPage(page))
        {
            var draw = new ReportTextDrawer(graphics, fonts);
            DrawFrame(graphics);
            var y = DrawHeader(draw, content, l);
            y = DrawCandidate(draw, content, l, y);
            y = DrawScores(draw, content, l, y);
            y = DrawOutcome(draw, content, l, y);
            if (content.CarriedOver.Count > 0) DrawCarriedOver(draw, content, l, y);
            DrawFooter(draw, content, l, culture);
            DrawWatermark(draw, content, culture);
        }

        ToUnicodeSurrogateFix.Apply(document);
        Protect(document);
        DigitalSignatureHandler.ForDocument(document,
            _signer,
            new DigitalSignatureOptions
            {
                Reason = l["Report.SignatureReason"],
                Location = l["Report.SignatureLocation"],
                ContactInfo = l["Report.Issuer"],
                AppName = "ScorePortal",
                // The report prints its own verification block; the signature field stays invisible.
                Rectangle = new XRect(0, 0, 0, 0),
                AppearanceHandler = new InvisibleSignature(),
            });
        using var output = new MemoryStream(96 * 1024);
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>
    /// Readers may print and copy text, nothing else. The owner password is random and thrown away: nobody, the portal
    /// included, can lift the restrictions; a corrected report is a new report. The user password stays empty so the
    /// file opens without one.
    /// </summary>
    private static void Protect(PdfDocument document)
    {
        var security = document.SecuritySettings;
        security.OwnerPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        security.PermitPrint = true;
        security.PermitFullQualityPrint = true;
        security.PermitExtractContent = true;
        security.PermitModifyDocument = false;
        security.PermitAnnotations = false;
        security.PermitFormsFill = false;
        security.PermitAssembleDocument = false;
    }

    private static IEnumerable<string> TextsOf(ScoreReportContent c)
    {
        yield return c.CandidateName;
        yield return c.MaskedIdNumber;
        yield return c.SessionName;
        yield return c.QualificationName;
        yield return c.LevelName;
        yield return c.ProvinceName;
        yield return c.TicketNumber;
        if (c.CertificateNumber is { } certificate) yield return certificate;
        yield return c.VerificationCode;
        yield return c.VerifyUrl;
        foreach (var s in c.Subjects) yield return s.Name;
        foreach (var p in c.CarriedOver)
        {
            yield return p.SubjectName;
            yield return p.PassedInSessionName;
        }
    }

    private static void DrawFrame(XGraphics g)
    {
        g.DrawRectangle(new XPen(Navy, 1.6), 24, 24, PageWidth - 48, PageHeight - 48);
        g.DrawRectangle(new XPen(Navy, 0.5), 28.5, 28.5, PageWidth - 57, PageHeight - 57);
    }

    private double DrawHeader(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l)
    {
        const double qrSize = 84;
        var qrLeft = Right - qrSize;
        DrawQrCode(draw.Graphics, c.VerifyUrl, qrLeft, 44, qrSize);
        draw.Draw(l["Report.ScanToVerify"], qrLeft + qrSize / 2, 44 + qrSize + 11, 7.5, new XSolidBrush(Muted), align: TextAlign.Center);

        // The title block is centred on the page; the QR code sits beside it, so long names are fitted between.
        var centre = PageWidth / 2;
        var titleWidth = 2 * (qrLeft - 12 - centre);
        // The English exam name is too long for one line beside the QR code: two lines rather than a tiny one.
        var subtitle = draw.Wrap(l["App.Subtitle"], 12, titleWidth, bold: true);
        if (subtitle.Count > 2) subtitle = [subtitle[0], string.Join(" ", subtitle.Skip(1))];
        var subtitleBaseline = subtitle.Count == 1 ? 74.0 : 64.0;
        foreach (var line in subtitle)
        {
            draw.DrawFitted(line, centre, subtitleBaseline, 12, titleWidth, new XSolidBrush(Navy), bold: true, align: TextAlign.Center);
            subtitleBaseline += 15;
        }
        draw.DrawFitted(l["Report.Title"], centre, 110, 26, titleWidth, new XSolidBrush(Crimson), bold: true, align: TextAlign.Center);
        draw.Graphics.DrawLine(new XPen(Crimson, 1.2), Left, 146, Right, 146);
        draw.Graphics.DrawLine(new XPen(Crimson, 0.4), Left, 149, Right, 149);
        return 166;
    }

    private static void DrawQrCode(XGraphics g, string url, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        // Explicit colours make QRCoder write a 1-bit palette PNG, which PDFsharp imports; its default 1-bit
        // greyscale PNG is refused ("Unsupported image format").
        var png = new PngByteQRCode(data).GetGraphic(4, [0x10, 0x10, 0x10], [0xFF, 0xFF, 0xFF], drawQuietZones: false);
        using var image = XImage.FromStream(new MemoryStream(png));
        // Scaled up for print: interpolation would blur the module edges a scanner relies on.
        image.Interpolate = false;
        g.DrawImage(image, x, y, size, size);
    }

    private double DrawCandidate(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l, double y)
    {
        y = SectionHeading(draw, l["Report.Section.Candidate"], y);
        const double row = 24, labelWidth = 84;
        var half = ContentWidth / 2;
        (string Label, string Value, bool Strong)[][] rows =
        [
            [(l["Report.Name"], c.CandidateName, true), (l["Report.IdNumber"], c.MaskedIdNumber, false)],
            [(l["Report.Session"], c.SessionName, false), (l["Report.Ticket"], c.TicketNumber, false)],
            [(l["Report.Level"], c.LevelName, false), (l["Report.Province"], c.ProvinceName, false)],
        ];
        var border = new XPen(Rule, 0.5);
        foreach (var cells in rows)
        {
            for (var i = 0; i < cells.Length; i++)
                DrawField(draw, border, Left + i * half, y, half, row, labelWidth, cells[i].Label, cells[i].Value, cells[i].Strong);
            y += row;
        }
        DrawField(draw, border, Left, y, ContentWidth, row, labelWidth, l["Report.Qualification"], c.QualificationName, true);
        return y + row + 16;
    }

    private static void DrawField(ReportTextDrawer draw, XPen border, double x, double y, double width, double height,
        double labelWidth, string label, string value, bool strong)
    {
        var g = draw.Graphics;
        g.DrawRectangle(new XSolidBrush(LabelFill), x, y, labelWidth, height);
        g.DrawRectangle(border, x, y, width, height);
        g.DrawLine(border, x + labelWidth, y, x + labelWidth, y + height);
        var baseline = y + height / 2 + 3.6;
        draw.DrawFitted(label, x + 8, baseline, 9.5, labelWidth - 12, new XSolidBrush(Navy));
        draw.DrawFitted(value, x + labelWidth + 8, baseline, strong ? 11.5 : 10.5, width - labelWidth - 14, new XSolidBrush(Ink), bold: strong);
    }

    private double DrawScores(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l, double y)
    {
        y = SectionHeading(draw, l["Report.Section.Scores"], y);
        double[] widths = [ContentWidth - 4 * 78, 78, 78, 78, 78];
        string[] header = [l["Report.Subject"], l["Report.Score"], l["Report.FullMarks"], l["Report.PassLine"], l["Report.Result"]];
        var rows = c.Subjects.Select(s => new[]
        {
            s.Name,
            s.Result switch
            {
                ReportSubjectResult.Absent => l["Report.Result.Absent"],
                ReportSubjectResult.Voided => l["Report.Result.Voided"],
                _ => s.Score is { } score ? Number(score) : "—",
            },
            Number(s.FullMarks),
            Number(s.PassLine),
            l[s.Result == ReportSubjectResult.Passed ? "Report.Result.Passed" : "Report.Result.Failed"],
        }).ToList();
        return DrawTable(draw, y, widths, header, rows, boldColumn: 1, resultColumn: 4, passed: l["Report.Result.Passed"]) + 16;
    }

    private double DrawOutcome(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l, double y)
    {
        y = SectionHeading(draw, l["Report.Section.Outcome"], y);
        const double height = 34;
        var color = c.QualificationPassed ? PassGreen : Crimson;
        var g = draw.Graphics;
        g.DrawRectangle(new XPen(color, 0.9), new XSolidBrush(XColor.FromArgb(14, color)), Left, y, ContentWidth, height);
        var baseline = y + height / 2 + 4.5;
        var width = draw.Draw(l[c.QualificationPassed ? "Report.Outcome.Passed" : "Report.Outcome.NotPassed"],
            Left + 12, baseline, 13, new XSolidBrush(color), bold: true);
        if (c.QualificationPassed && c.CertificateNumber is { } certificate)
        {
            var x = Left + 12 + width + 28;
            x += draw.Draw(l["Report.Certificate"] + (l["Report.Certificate"].Any(ch => ch > 0x2E80) ? "：" : ": "),
                x, baseline, 10.5, new XSolidBrush(Navy));
            draw.Draw(certificate, x, baseline, 12, new XSolidBrush(Ink), bold: true);
        }
        return y + height + 16;
    }

    private void DrawCarriedOver(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l, double y)
    {
        y = SectionHeading(draw, l["Report.Section.CarriedOver"], y);
        double[] widths = [ContentWidth - 3 * 104, 104, 104, 104];
        string[] header = [l["Report.Subject"], l["Report.CarriedOver.PassedIn"], l["Report.Score"], l["Report.CarriedOver.ValidThrough"]];
        var rows = c.CarriedOver.Select(p => new[]
        {
            p.SubjectName,
            p.PassedInSessionName,
            Number(p.Score),
            string.Format(CultureInfo.InvariantCulture, l["Report.CarriedOver.ValidThroughYear"], p.ValidThroughYear),
        }).ToList();
        DrawTable(draw, y, widths, header, rows, boldColumn: -1, resultColumn: -1, passed: "");
    }

    private static double DrawTable(ReportTextDrawer draw, double y, double[] widths, string[] header, List<string[]> rows, int boldColumn, int resultColumn, string passed)
    {
        const double headerHeight = 22, rowHeight = 22;
        var g = draw.Graphics;
        var border = new XPen(Rule, 0.5);
        g.DrawRectangle(new XSolidBrush(Navy), Left, y, ContentWidth, headerHeight);
        var x = Left;
        for (var i = 0; i < widths.Length; i++)
        {
            var centre = i > 0;
            draw.DrawFitted(header[i], centre ? x + widths[i] / 2 : x + 8, y + headerHeight / 2 + 3.4, 9.5, widths[i] - 10,
                XBrushes.White, bold: true, align: centre ? TextAlign.Center : TextAlign.Left);
            x += widths[i];
        }
        y += headerHeight;
        for (var r = 0; r < rows.Count; r++)
        {
            if (r % 2 == 1) g.DrawRectangle(new XSolidBrush(XColor.FromArgb(0xF7, 0xF9, 0xFB)), Left, y, ContentWidth, rowHeight);
            x = Left;
            for (var i = 0; i < widths.Length; i++)
            {
                var centre = i > 0;
                var isResult = i == resultColumn;
                var color = !isResult ? Ink : rows[r][i] == passed ? PassGreen : Crimson;
                draw.DrawFitted(rows[r][i], centre ? x + widths[i] / 2 : x + 8, y + rowHeight / 2 + 3.6, 10.5, widths[i] - 10,
                    new XSolidBrush(color), bold: isResult || i == boldColumn, align: centre ? TextAlign.Center : TextAlign.Left);
                x += widths[i];
            }
            g.DrawLine(border, Left, y + rowHeight, Right, y + rowHeight);
            y += rowHeight;
        }
        g.DrawRectangle(border, Left, y - rows.Count * rowHeight - headerHeight, ContentWidth, rows.Count * rowHeight + headerHeight);
        return y;
    }

    private static double SectionHeading(ReportTextDrawer draw, string text, double y)
    {
        draw.Graphics.DrawRectangle(new XSolidBrush(Crimson), Left, y, 3.5, 14);
        draw.Draw(text, Left + 10, y + 11.5, 11.5, new XSolidBrush(Navy), bold: true);
        return y + 22;
    }

    private void DrawFooter(ReportTextDrawer draw, ScoreReportContent c, IReadOnlyDictionary<string, string> l, CultureInfo culture)
    {
        const double top = 640;
        var g = draw.Graphics;
        g.DrawLine(new XPen(Rule, 0.6), Left, top, Right, top);
        var textWidth = ContentWidth - 150;
        var colon = culture.IsEnglish() ? ": " : "：";
        var y = top + 22;
        var x = Left + draw.Draw(l["Report.IssuedAt"] + colon, Left, y, 9.5, new XSolidBrush(Navy));
        draw.Draw(IssuedAt(c.IssuedAt, culture) + l["Report.ChinaTime"], x, y, 9.5, new XSolidBrush(Ink));
        y += 22;
        x = Left + draw.Draw(l["Report.VerificationCode"] + colon, Left, y, 9.5, new XSolidBrush(Navy));
        draw.Draw(c.VerificationCode, x, y, 14, new XSolidBrush(Crimson), bold: true);
        y += 20;
        y = draw.DrawWrapped(l["Report.VerifyHint"], Left, y, 8.5, textWidth, 12, new XSolidBrush(Muted));
        draw.DrawFitted(c.VerifyUrl, Left, y, 8.5, textWidth, new XSolidBrush(Navy));
        y += 16;
        draw.DrawWrapped(l["Report.SignatureNote"], Left, y, 7.5, textWidth, 10.5, new XSolidBrush(Muted));

        DrawSeal(draw, l, Right - 64, top + 64);
        draw.DrawFitted(l["Report.Issuer"], Right, PageHeight - 48, 9, ContentWidth, new XSolidBrush(Navy), bold: true, align: TextAlign.Right);
    }

    /// <summary>The exam office's round seal, drawn: a decoration that a copy shows too; the signature is what proves origin.</summary>
    private static void DrawSeal(ReportTextDrawer draw, IReadOnlyDictionary<string, string> l, double cx, double cy)
    {
        var g = draw.Graphics;
        var red = XColor.FromArgb(200, Crimson);
        g.DrawEllipse(new XPen(red, 2.4), cx - 52, cy - 52, 104, 104);
        g.DrawEllipse(new XPen(red, 0.6), cx - 47, cy - 47, 94, 94);
        var star = new XPoint[10];
        for (var i = 0; i < 10; i++)
        {
            var radius = i % 2 == 0 ? 15 : 6;
            var angle = -Math.PI / 2 + i * Math.PI / 5;
            star[i] = new XPoint(cx + radius * Math.Cos(angle), cy - 8 + radius * Math.Sin(angle));
        }
        g.DrawPolygon(new XSolidBrush(red), star, XFillMode.Winding);
        draw.DrawFitted(l["Report.Seal"], cx, cy + 24, 9, 80, new XSolidBrush(red), bold: true, align: TextAlign.Center);
    }

    /// <summary>
    /// The candidate's name, masked ID and issue time across the whole page, faint, on top of the content: a copy keeps
    /// them, and cutting a score out of one report to paste into another shows the wrong name behind it.
    /// </summary>
    private static void DrawWatermark(ReportTextDrawer draw, ScoreReportContent c, CultureInfo culture)
    {
        var text = $"{c.CandidateName}  {c.MaskedIdNumber}  {IssuedAt(c.IssuedAt, culture)}";
        var g = draw.Graphics;
        var brush = new XSolidBrush(XColor.FromArgb(28, 0x55, 0x60, 0x70));
        var state = g.Save();
        g.RotateAtTransform(-30, new XPoint(PageWidth / 2, PageHeight / 2));
        var layout = draw.Lay(text, 10);
        var step = layout.Width + 60;
        for (double y = -220, row = 0; y < PageHeight + 220; y += 96, row++)
            for (var x = -300 + (row % 2) * step / 2; x < PageWidth + 300; x += step)
                draw.Draw(layout, x, y, brush);
        g.Restore(state);
    }

    private static string IssuedAt(DateTimeOffset issuedAt, CultureInfo culture) =>
        PortalFormat.ToChinaTime(issuedAt).ToString(culture.IsEnglish() ? "yyyy-MM-dd HH:mm:ss" : "yyyy年M月d日 HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed class InvisibleSignature : IAnnotationAppearanceHandler
    {
        public void DrawAppearance(XGraphics gfx, XRect rect)
        {
        }
    }
}
