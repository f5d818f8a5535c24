using System.Globalization;
using ScorePortal.Components.StaticHtml;
using ScorePortal.Localization;
using ScorePortal.Model;

namespace ScorePortal.Features.Results;

/// <summary>
/// A result outcome as HTML, written once for the public lookup (plain HTML on the hot path) and the candidate area
/// (Razor pages, through <see cref="OutcomeMarkup"/>), so both show the same sheet.
/// </summary>
public static class ResultSheetHtml
{
    /// <summary>A lookup's answer block (result sheet, or where to ask) as markup for the candidate area's Razor pages.</summary>
    public static Microsoft.AspNetCore.Components.MarkupString OutcomeMarkup(CachedTexts t, ResultOutcome outcome, DateTimeOffset generatedAt)
    {
        using var html = new HtmlWriter();
        Outcome(html, t, outcome, generatedAt);
        return new Microsoft.AspNetCore.Components.MarkupString(html.ToString());
    }

    /// <summary>The answer block written into a page: the lookup's own HTML (hot path) and the markup above.</summary>
    public static void Outcome(HtmlWriter html, CachedTexts t, ResultOutcome? outcome, DateTimeOffset generatedAt)
    {
        switch (outcome)
        {
            case ResultOutcome.NotFound:
                html.Element("div", t["Lookup.NotFound"], " class=\"portal-alert portal-alert--error\" role=\"alert\" data-testid=\"lookup-not-found\"");
                break;
            case ResultOutcome.NotReleased n:
                html.Element("div", t.Format("Lookup.NotReleased", PortalFormat.Name(n.SessionNameZh, n.SessionNameEn), PortalFormat.DateTime(n.ReleaseAt)),
                    " class=\"portal-alert portal-alert--info\" role=\"status\" data-testid=\"lookup-not-released\"");
                break;
            case ResultOutcome.NoScores ns:
                var c = ns.Center;
                html.Raw("<div class=\"portal-alert portal-alert--info\" role=\"status\" data-testid=\"lookup-no-scores\">")
                    .Element("p", t.Format("Lookup.NoScores", PortalFormat.Name(ns.SessionNameZh, ns.SessionNameEn)), " class=\"mt-0\"");
                Contact(html, t, c);
                html.Raw("</div>");
                break;
            case ResultOutcome.Found f:
                Sheet(html, t, f.Sheet, generatedAt);
                break;
        }
    }

    /// <summary>An exam center's name and contact details (phone, email, address, website), each value encoded.</summary>
    public static void Contact(HtmlWriter html, CachedTexts t, ExamCenterContact c)
    {
        html.Element("strong", PortalFormat.Name(c.NameZh, c.NameEn)).Raw("<ul class=\"portal-contact\">");
        if (c.Phone is { } phone) html.Raw("<li>").Text(t["Lookup.Contact.Phone"]).Raw(": <a").Attr("href", "tel:" + phone).Raw(">").Text(phone).Raw("</a></li>");
        if (c.Email is { } email) html.Raw("<li>").Text(t["Lookup.Contact.Email"]).Raw(": <a").Attr("href", "mailto:" + email).Raw(">").Text(email).Raw("</a></li>");
        if (c.Address is { } address) html.Raw("<li>").Text(t["Lookup.Contact.Address"]).Raw(": ").Text(address).Raw("</li>");
        if (c.Website is { } site) html.Raw("<li>").Text(t["Lookup.Contact.Website"]).Raw(": ").Text(site).Raw("</li>");
        html.Raw("</ul>");
    }

    /// <summary>
    /// The result sheet, on screen and on paper (app.css, @media print: one A4 page with the portal's name, no navigation
    /// or buttons). Only the masked ID number is ever written; the printout says it is no certificate.
    /// </summary>
    private static void Sheet(HtmlWriter html, CachedTexts t, ResultSheet sheet, DateTimeOffset generatedAt)
    {
        html.Raw($"<div class=\"{MudClasses.Paper} portal-card portal-sheet\" data-testid=\"result-sheet\">")
            .Raw("<p class=\"portal-print-only portal-print-head\">").Element("strong", t["App.Name"]).Raw(" ")
            .Element("span", t["App.Subtitle"]).Raw("</p>")
            .Element("h2", t["Lookup.Sheet.Title"], $" class=\"{MudClasses.H6WithGutter}\"")
            .Raw("<dl class=\"portal-sheet__facts\">")
            .Element("dt", t["Lookup.Sheet.Name"]).Element("dd", sheet.Name, " data-testid=\"sheet-name\"")
            .Element("dt", t["Lookup.Sheet.IdNumber"]).Element("dd", sheet.MaskedIdNumber, " data-testid=\"sheet-id\"")
            .Element("dt", t["Lookup.Sheet.Session"]).Element("dd", PortalFormat.Name(sheet.SessionNameZh, sheet.SessionNameEn))
            .Element("dt", t["Lookup.Sheet.Ticket"]).Element("dd", sheet.TicketNumber)
            .Element("dt", t["Lookup.Sheet.Qualification"]).Element("dd", PortalFormat.Name(sheet.QualificationNameZh, sheet.QualificationNameEn))
            .Element("dt", t["Lookup.Sheet.Level"]).Element("dd", PortalFormat.Name(sheet.LevelNameZh, sheet.LevelNameEn))
            .Raw("</dl><div class=\"portal-table-wrap\"><table class=\"portal-sheet__scores\"><thead><tr>")
            .Element("th", t["Lookup.Sheet.Subject"], " scope=\"col\"").Element("th", t["Lookup.Sheet.Score"], " scope=\"col\"")
            .Element("th", t["Lookup.Sheet.PassLine"], " scope=\"col\"").Element("th", t["Lookup.Sheet.Result"], " scope=\"col\"")
            .Raw("</tr></thead><tbody>");
        foreach (var s in sheet.Subjects)
        {
            html.Raw("<tr data-testid=\"sheet-subject\">").Element("td", PortalFormat.Name(s.NameZh, s.NameEn)).Raw("<td>");
            switch (s.Status)
            {
                case ScoreStatus.Absent: html.Element("span", t["Lookup.Sheet.Absent"], " class=\"portal-mark\" data-testid=\"mark-absent\""); break;
                case ScoreStatus.Voided: html.Element("span", t["Lookup.Sheet.Voided"], " class=\"portal-mark\" data-testid=\"mark-voided\""); break;
                default: html.Text(Number(s.Score)); break;
            }
            html.Raw("</td>").Element("td", $"{Number(s.PassLine)} / {Number(s.FullMarks)}")
                .Element("td", s.Passed ? t["Lookup.Sheet.Passed"] : t["Lookup.Sheet.Failed"], s.Passed ? " class=\"portal-pass\"" : " class=\"portal-fail\"")
                .Raw("</tr>");
        }
        html.Raw("</tbody></table></div>");

        if (sheet.CertificateNumber is { } certificate)
            html.Element("div", t.Format("Lookup.Sheet.QualificationPassed", certificate), " class=\"portal-alert portal-alert--success mt-3\" data-testid=\"sheet-outcome\"");
        else
            html.Element("div", t["Lookup.Sheet.QualificationNotPassed"], " class=\"portal-alert portal-alert--info mt-3\" data-testid=\"sheet-outcome\"");

        if (sheet.ScoreValidityYears > 1 && sheet.ValidPasses.Count > 0)
        {
            html.Element("h3", t.Format("Lookup.Sheet.ValidPasses", sheet.ScoreValidityYears), $" class=\"{MudClasses.Subtitle2}\"")
                .Raw("<ul class=\"portal-sheet__passes\" data-testid=\"sheet-valid-passes\">");
            foreach (var p in sheet.ValidPasses)
                html.Element("li", $"{PortalFormat.Name(p.SubjectNameZh, p.SubjectNameEn)}: "
                    + $"{t.Format("Lookup.Sheet.PassedIn", PortalFormat.Name(p.PassedInNameZh, p.PassedInNameEn))}, {t.Format("Lookup.Sheet.ValidThrough", p.ValidThroughYear)}");
            html.Raw("</ul>");
        }
        html.Element("p", t.Format("Lookup.Sheet.GeneratedAt", PortalFormat.DateTime(generatedAt)), " class=\"portal-sheet__meta\" data-testid=\"sheet-generated\"")
            .Element("p", t["Lookup.Sheet.PrintNote"], " class=\"portal-sheet__meta\" data-testid=\"sheet-print-note\"")
            // Shown by js/print.js: without script the button could not print, and the browser's own menu still can.
            .Element("button", t["Lookup.Sheet.Print"], " type=\"button\" class=\"portal-button portal-button--secondary portal-sheet__print\" data-print hidden data-testid=\"sheet-print\"")
            .Raw("</div><script src=\"/js/print.js\"></script>");
    }

    private static string Number(decimal? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–";
}
