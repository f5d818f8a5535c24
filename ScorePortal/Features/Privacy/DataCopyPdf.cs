using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using ScorePortal.Features.Reports;
using ScorePortal.Localization;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// The readable copy: the same content as the JSON, section by section, in the requester's language, drawn with the
/// score reports' font chain (Noto Sans SC and its fallbacks, embedded as Unicode subsets so the text stays searchable).
/// A character no font has (an emoji typed into a review reason) is printed as "?" rather than refusing the copy; the
/// JSON keeps it exactly.
/// </summary>
public sealed class DataCopyPdf(ReportFontChain fonts, IStringLocalizer<SharedResource> localizer)
{
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Margin = 50;
    private const double TextSize = 9.5;
    private const double LineHeight = 14;

    public byte[] Render(DataCopyContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var scope = CultureScope.Use(content.Culture);
        using var document = new PdfDocument();
        document.Info.Title = localizer["DataCopy.Pdf.Title"];
        document.Info.Author = localizer["App.Name"];
        document.Info.CreationDate = content.PreparedAt.UtcDateTime;
        document.Language = content.Culture;
        document.Options.CompressContentStreams = true;
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;

        var writer = new Writer(document, fonts, this);
        Write(writer, content);
        writer.Finish();
        ToUnicodeSurrogateFix.Apply(document);
        using var output = new MemoryStream(64 * 1024);
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private string L(string key) => localizer[key];

    private static string At(DateTimeOffset? value) => value is { } v ? PortalFormat.DateTime(v) : "—";

    private static string Score(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "—";

    private string YesNo(bool? value) => value is null ? "—" : L(value.Value ? "DataCopy.Pdf.Yes" : "DataCopy.Pdf.No");

    private static string ReviewStatusKey(string status, bool? changed) =>
        status == "Decided" ? (changed == true ? "Review.Status.DecidedChanged" : "Review.Status.DecidedUnchanged") : "Review.Status." + status;

    private void Write(Writer w, DataCopyContent c)
    {
        w.Title(L("DataCopy.Pdf.Title"));
        w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.Prepared"), At(c.PreparedAt), c.CopyId));
        w.Line(L(c.ForRequest ? "DataCopy.Pdf.ForRequest" : "DataCopy.Pdf.ForOwner"));
        w.Line(L("DataCopy.Pdf.JsonHint"));

        w.Heading(L("DataCopy.Pdf.Account"));
        if (c.Account is { } a)
        {
            w.Field(L("DataCopy.Pdf.Email"), a.Email ?? "—");
            w.Field(L("DataCopy.Pdf.EmailConfirmed"), YesNo(a.EmailConfirmed));
            w.Field(L("DataCopy.Pdf.Phone"), a.PhoneNumber ?? "—");
            w.Field(L("DataCopy.Pdf.Authenticator"), YesNo(a.TwoFactorEnabled));
            w.Field(L("DataCopy.Pdf.CreatedAt"), At(a.CreatedAt));
            w.Field(L("DataCopy.Pdf.Roles"), string.Join(", ", a.Roles));
        }
        else w.Line(L("DataCopy.Pdf.None"));

        w.Heading(L("DataCopy.Pdf.Identity"));
        if (c.Candidate is { } p)
        {
            w.Field(L("DataCopy.Pdf.Name"), p.Name);
            w.Field(L("DataCopy.Pdf.IdType"), L("Lookup.IdType." + p.IdType));
            w.Field(L("DataCopy.Pdf.IdNumber"), p.IdNumber + (p.IdNumberMasked ? " " + L("DataCopy.Pdf.Masked") : ""));
            w.Field(L("DataCopy.Pdf.RecordEmail"), p.Email ?? "—");
            w.Field(L("DataCopy.Pdf.LinkedAt"), At(p.LinkedAt));
        }
        else w.Line(L("DataCopy.Pdf.None"));

        w.Heading(L("DataCopy.Pdf.Registrations"));
        if (c.Registrations.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var r in c.Registrations)
        {
            w.Subheading($"{r.SessionName} · {r.QualificationName} ({r.QualificationCode})");
            w.Field(L("DataCopy.Pdf.Province"), r.ProvinceName);
            w.Field(L("DataCopy.Pdf.Ticket"), r.TicketNumber);
            if (r.Scores.Count == 0) w.Line(L("DataCopy.Pdf.NoScores"));
            foreach (var s in r.Scores)
                w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.ScoreLine"), s.SubjectName, s.Status == "Normal" ? Score(s.Score) : L("DataCopy.Pdf.Status." + s.Status),
                    s.Version, s.BatchVersion, s.IsCurrent ? L("DataCopy.Pdf.Current") : L("DataCopy.Pdf.Replaced"), At(s.BatchPublishedAt)), indent: 12);
        }

        w.Heading(L("DataCopy.Pdf.Reports"));
        if (c.Reports.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var r in c.Reports)
            w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.ReportLine"), VerificationCode.Grouped(r.VerificationCode), At(r.IssuedAt),
                L("Report.Status." + r.Status), r.DownloadCount));

        w.Heading(L("DataCopy.Pdf.ShareLinks"));
        if (c.ShareLinks.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var l in c.ShareLinks)
            w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.ShareLinkLine"), VerificationCode.Grouped(l.ReportVerificationCode), At(l.CreatedAt),
                At(l.ExpiresAt), l.RevokedAt is { } revoked ? At(revoked) : "—", l.OpenCount, l.Note.Length > 0 ? l.Note : "—"));

        w.Heading(L("DataCopy.Pdf.Credentials"));
        if (c.Credentials.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var v in c.Credentials)
            w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.CredentialLine"), v.CertificateNumber, At(v.IssuedAt),
                L("DataCopy.Credential." + v.Status), v.EndedAt is { } ended ? At(ended) : "—", v.DownloadCount));

        w.Heading(L("DataCopy.Pdf.Reviews"));
        if (c.Reviews.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var r in c.Reviews)
        {
            w.Subheading($"{r.CaseNumber} · {r.SubjectName}");
            w.Field(L("DataCopy.Pdf.ReviewReason"), r.Reason);
            w.Field(L("DataCopy.Pdf.ReviewScores"), $"{Score(r.OriginalScore)} → {Score(r.FinalScore)}");
            foreach (var step in r.Timeline)
                w.Line($"{At(step.At)}  {L(ReviewStatusKey(step.Status, r.Changed))}{(step.Message is { Length: > 0 } m ? "  " + m : "")}", indent: 12);
            if (r.Files.Count > 0)
                w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.ReviewFiles"), r.Files.Count), indent: 12);
        }

        w.Heading(L("DataCopy.Pdf.Consents"));
        if (c.Consents.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var k in c.Consents)
            w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.ConsentLine"), k.Enterprise, k.EmployeeId, At(k.GrantedAt), At(k.ExpiresAt),
                k.RevokedAt is { } revoked ? At(revoked) : "—"));

        w.Heading(L("DataCopy.Pdf.Access"));
        if (c.EnterpriseAccess.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var e in c.EnterpriseAccess)
            w.Line($"{At(e.At)}  {e.Enterprise}  {e.Qualification ?? ""}  {e.Outcome}");

        w.Heading(L("DataCopy.Pdf.SignIns"));
        if (c.SignInSessions.Count == 0 && c.AccountEvents.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var s in c.SignInSessions)
            w.Line(string.Format(CultureInfo.CurrentCulture, L("DataCopy.Pdf.SessionLine"), At(s.CreatedAt), At(s.LastSeenAt), s.Browser, s.System, s.Network ?? "—"));
        foreach (var e in c.AccountEvents)
            w.Line($"{At(e.At)}  {e.Action}{(e.Result is { } result ? "  " + result : "")}");

        w.Heading(L("DataCopy.Pdf.Notices"));
        if (c.Notices.Count == 0) w.Line(L("DataCopy.Pdf.None"));
        foreach (var n in c.Notices)
            w.Line($"{At(n.CreatedAt)}  {n.To}  {n.Subject}");
    }

    /// <summary>Lines top to bottom, a new page when one is full, a page number in every footer.</summary>
    private sealed class Writer(PdfDocument document, ReportFontChain fonts, DataCopyPdf owner)
    {
        private readonly List<PdfPage> _pages = [];
        private XGraphics? _graphics;
        private ReportTextDrawer? _draw;
        private double _y = PageHeight;

        private ReportTextDrawer Draw => _draw!;

        private void Room(double height)
        {
            if (_graphics is not null && _y + height <= PageHeight - Margin) return;
            _graphics?.Dispose();
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            _pages.Add(page);
            _graphics = XGraphics.FromPdfPage(page);
            _draw = new ReportTextDrawer(_graphics, fonts);
            _y = Margin;
        }

        /// <summary>The text with every character no font has replaced by "?".</summary>
        private string Drawable(string text)
        {
            if (fonts.CanDraw(text)) return text;
            var sb = new StringBuilder(text.Length);
            foreach (var rune in text.EnumerateRunes())
                sb.Append(fonts.CanDraw(rune.ToString()) ? rune.ToString() : "?");
            return sb.ToString();
        }

        public void Title(string text)
        {
            Room(30);
            _y += 18;
            Draw.Draw(Drawable(text), Margin, _y, 16, XBrushes.Black, bold: true);
            _y += 14;
        }

        public void Heading(string text)
        {
            Room(40);
            _y += 22;
            Draw.Draw(Drawable(text), Margin, _y, 12.5, XBrushes.Black, bold: true);
            _graphics!.DrawLine(XPens.Gray, Margin, _y + 4, PageWidth - Margin, _y + 4);
            _y += 8;
        }

        public void Subheading(string text)
        {
            Room(30);
            _y += 16;
            Draw.DrawFitted(Drawable(text), Margin, _y, 10.5, PageWidth - 2 * Margin, XBrushes.Black, bold: true);
            _y += 2;
        }

        public void Field(string label, string value) => Line(label + ": " + value);

        public void Line(string text, double indent = 0)
        {
            foreach (var line in LinesOf(Drawable(text), indent))
            {
                Room(LineHeight);
                _y += LineHeight;
                Draw.Draw(line, Margin + indent, _y, TextSize, XBrushes.Black);
            }
        }

        private List<string> LinesOf(string text, double indent)
        {
            Room(LineHeight);
            return Draw.Wrap(text, TextSize, PageWidth - 2 * Margin - indent, bold: false);
        }

        public void Finish()
        {
            _graphics?.Dispose();
            _graphics = null;
            for (var i = 0; i < _pages.Count; i++)
            {
                using var graphics = XGraphics.FromPdfPage(_pages[i], XGraphicsPdfPageOptions.Append);
                var draw = new ReportTextDrawer(graphics, fonts);
                draw.Draw(string.Format(CultureInfo.CurrentCulture, owner.L("DataCopy.Pdf.Page"), i + 1, _pages.Count), PageWidth / 2, PageHeight - 28, 8,
                    XBrushes.Gray, align: TextAlign.Center);
            }
        }
    }
}
