using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Localization;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// The two PDFs of a review, drawn with the score report's fonts and text drawer: the application form, prefilled
/// for the candidate to print and sign, and the receipt with the case number. Only the signed-in candidate's own
/// registration or request is ever read (null otherwise, which the endpoint answers with 404).
/// </summary>
public sealed class ReviewDocuments(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportFontChain fonts, ReportLabels labels)
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Margin = 56;

    public async Task<byte[]?> ApplicationFormAsync(string userId, int registrationId, int subjectId, string culture, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Registrations.AsNoTracking()
            .Where(r => r.Id == registrationId && r.Candidate.UserId == userId)
            .Select(r => new
            {
                r.Candidate.Name, r.Candidate.IdNumber, r.TicketNumber, r.ExamSession.NameZh, r.ExamSession.NameEn,
                QualificationZh = r.Qualification.NameZh, QualificationEn = r.Qualification.NameEn,
                Subject = db.Subjects.Where(s => s.Id == subjectId && s.QualificationId == r.QualificationId).Select(s => new { s.NameZh, s.NameEn }).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (row?.Subject is null) return null;
        var l = labels.For(ReportLabels.CultureOf(culture));
        var en = ReportLabels.CultureOf(culture).Name == LocalizationExtensions.EnglishCulture;
        return Render(l["Report.Review.FormTitle"],
        [
            (l["Report.Review.Name"], row.Name),
            (l["Report.Review.IdNumber"], ResultSheetBuilder.MaskIdNumber(row.IdNumber)),
            (l["Report.Review.Ticket"], row.TicketNumber),
            (l["Report.Review.Session"], en ? row.NameEn : row.NameZh),
            (l["Report.Review.Qualification"], en ? row.QualificationEn : row.QualificationZh),
            (l["Report.Review.Subject"], en ? row.Subject.NameEn : row.Subject.NameZh),
            (l["Report.Review.Reason"], ""),
        ], l["Report.Review.FormDeclaration"], l["Report.Review.Signature"]);
    }

    public async Task<byte[]?> ReceiptAsync(string userId, int requestId, string culture, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ReviewRequests.AsNoTracking()
            .Where(r => r.Id == requestId && r.Candidate.UserId == userId)
            .Select(r => new
            {
                r.CaseNumber, r.SubmittedAt, r.DueAt, r.ReasonKind, r.Delivery, r.EmsNumber, SlotAt = (DateTimeOffset?)r.AppointmentSlot!.StartsAt,
                r.Candidate.Name,
                Subject = db.Subjects.Where(s => s.Id == r.SubjectId).Select(s => new { s.NameZh, s.NameEn }).First(),
                Session = db.ExamSessions.Where(s => s.Id == r.ExamSessionId).Select(s => new { s.NameZh, s.NameEn }).First(),
                Files = r.Files.Where(f => f.Kind != ReviewFileKind.AnswerScript).Count(),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;
        var l = labels.For(ReportLabels.CultureOf(culture));
        var en = ReportLabels.CultureOf(culture).Name == LocalizationExtensions.EnglishCulture;
        var delivery = l["Report.Review.Delivery." + row.Delivery] + row.Delivery switch
        {
            ReviewDelivery.Mail => " " + row.EmsNumber,
            ReviewDelivery.Appointment when row.SlotAt is { } at => " " + PortalFormat.DateTime(at),
            _ => "",
        };
        return Render(l["Report.Review.ReceiptTitle"],
        [
            (l["Report.Review.CaseNumber"], row.CaseNumber),
            (l["Report.Review.Name"], row.Name),
            (l["Report.Review.Session"], en ? row.Session.NameEn : row.Session.NameZh),
            (l["Report.Review.Subject"], en ? row.Subject.NameEn : row.Subject.NameZh),
            (l["Report.Review.SubmittedAt"], PortalFormat.DateTime(row.SubmittedAt)),
            (l["Report.Review.DueAt"], PortalFormat.ToChinaTime(row.DueAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            (l["Report.Review.DeliveryLabel"], delivery),
            (l["Report.Review.Files"], row.Files.ToString(CultureInfo.InvariantCulture)),
        ], l["Report.Review.ReceiptNote"], null);
    }

    private byte[] Render(string title, IReadOnlyList<(string Label, string Value)> lines, string note, string? signature)
    {
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Options.CompressContentStreams = true;
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(PageWidth);
        page.Height = XUnit.FromPoint(PageHeight);
        using (var graphics = XGraphics.FromPdfPage(page))
        {
            var draw = new ReportTextDrawer(graphics, fonts);
            var y = Margin + 24;
            draw.Draw(Drawable(title), PageWidth / 2, y, 20, XBrushes.Black, bold: true, align: TextAlign.Center);
            y += 40;
            foreach (var (label, value) in lines)
            {
                draw.Draw(Drawable(label), Margin, y, 11, XBrushes.DimGray);
                draw.DrawFitted(Drawable(value), Margin + 150, y, 12, PageWidth - 2 * Margin - 150, XBrushes.Black);
                graphics.DrawLine(XPens.LightGray, Margin + 150, y + 6, PageWidth - Margin, y + 6);
                y += 30;
            }
            y += 16;
            y = draw.DrawWrapped(Drawable(note), Margin, y, 10.5, PageWidth - 2 * Margin, 16, XBrushes.Black);
            if (signature is not null)
            {
                y += 60;
                draw.Draw(Drawable(signature), PageWidth - Margin - 220, y, 11, XBrushes.Black);
                graphics.DrawLine(XPens.Black, PageWidth - Margin - 150, y + 4, PageWidth - Margin, y + 4);
            }
        }
        ToUnicodeSurrogateFix.Apply(document);
        using var output = new MemoryStream(64 * 1024);
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>A character no font of the chain can draw becomes "?": a form is better printed than refused.</summary>
    private string Drawable(string text)
    {
        while (fonts.FirstUndrawable(text) is { } missing) text = text.Replace(missing, "?", StringComparison.Ordinal);
        return text;
    }
}
