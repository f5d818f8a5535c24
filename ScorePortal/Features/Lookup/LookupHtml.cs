using System.Globalization;
using ScorePortal.Components.StaticHtml;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;

namespace ScorePortal.Features.Lookup;

/// <summary>What the main lookup page shows: the two channels' input, their messages, and the answer.</summary>
internal sealed record LookupPageState(
    string? SessionCode = null, IdType? IdType = ScorePortal.Model.IdType.ResidentId, string? IdNumber = null, string? Name = null,
    string? TicketNumber = null, string? TicketName = null,
    IReadOnlyList<FormError>? Errors = null, IReadOnlyList<FormError>? TicketErrors = null, bool TicketChannel = false,
    ResultOutcome? Outcome = null, MissOffice? Office = null, ExamCenterContact? Sender = null);

internal sealed record OverseasPageState(
    string? SessionCode = null, string? PassportNumber = null, string? Email = null,
    IReadOnlyList<FormError>? Errors = null, ResultOutcome? Outcome = null, MissOffice? Office = null);

/// <summary>
/// A message said at a form: its resource key (which tells the field it concerns) and its text; a wait (per-address
/// limit, block) fills the text's {0} with the seconds, counted down by wwwroot/js/wait.js.
/// </summary>
internal sealed record FormError(string Key, string Text, int? WaitSeconds = null);

/// <summary>
/// A form's messages with their element ids, so that each field names the messages about it (aria-describedby) and
/// is marked invalid: a screen reader says the message again on the field to fix, not only once in the summary.
/// </summary>
internal sealed class FormErrors(string formId, IReadOnlyList<FormError>? errors)
{
    public IReadOnlyList<FormError> All { get; } = errors ?? [];

    public string Id(int index) => $"{formId}-error-{index}";

    /// <summary>The ids of the messages whose keys contain any of <paramref name="keyParts"/>; null when none.</summary>
    public string? For(params string[] keyParts)
    {
        var ids = All.Select((e, i) => (e, i)).Where(x => keyParts.Any(p => x.e.Key.Contains(p, StringComparison.Ordinal))).Select(x => Id(x.i)).ToList();
        return ids.Count == 0 ? null : string.Join(' ', ids);
    }
}

/// <summary>Everything a lookup page needs besides its state: texts, the form token, sessions, fresh captchas.</summary>
/// <param name="Inline">Set when the page may draw its first captcha picture into itself (<see cref="InlineCaptcha"/>).</param>
internal sealed record LookupPageContext(HttpContext Http, CachedTexts T, string? FormToken, IReadOnlyList<SessionInfo> Sessions, CaptchaService Captcha,
    InlineCaptcha? Inline = null);

/// <summary>
/// The release-day lookup pages as plain server-rendered HTML: no circuit, no component tree, no persisted state, so
/// that a lookup costs little more than its query (see bench/RESULTS.md). The markup, ids, field names and test ids
/// are those of the portal's forms elsewhere; every value is encoded by <see cref="HtmlWriter"/>.
/// </summary>
internal static class LookupHtml
{
    public static void MainPage(HtmlWriter html, LookupPageContext page, LookupPageState state) =>
        Page(html, page, "Lookup.Title", "Lookup.Intro", "/lookup", state.Outcome, state.Office, t =>
        {
            if (state.Sender is { } sender)
                html.Element("p", t.Format("Lookup.Entry.From", PortalFormat.Name(sender.NameZh, sender.NameEn)),
                    " class=\"portal-alert portal-alert--info\" data-testid=\"lookup-sender\"");
            FormStart(html, page, "lookup", "lookup-form");
            var errors = new FormErrors("lookup", state.Errors);
            Errors(html, errors);
            SessionSelect(html, page, t, state.SessionCode, errors.For("Session"));
            html.Raw("<div class=\"portal-field\"><label for=\"idtype\">").Text(t["Lookup.IdType"]).Raw("</label><select id=\"idtype\" name=\"Input.IdType\"");
            Invalid(html, errors.For("IdType"));
            html.Raw(">");
            foreach (var type in Enum.GetValues<IdType>())
                html.Raw("<option").Attr("value", type.ToString()).Flag("selected", type == state.IdType).Raw(">")
                    .Text(t[$"Lookup.IdType.{type}"]).Raw("</option>");
            html.Raw("</select></div>");
            TextField(html, "idnumber", "Input.IdNumber", t["Lookup.IdNumber"], state.IdNumber, 64, "autocomplete=\"off\"",
                describedBy: errors.For("IdNumber", "ResidentId", "Permit", "Passport"));
            NameField(html, t, "name", "Input.Name", state.Name, hintId: "name-hint", errors.For("Name"));
            CaptchaField(html, page, "captcha", "Input.CaptchaAnswer", "Input.CaptchaToken", errors.For("Captcha"), inline: true);
            html.Element("button", t["Lookup.Submit"], " type=\"submit\" class=\"portal-button\" data-testid=\"lookup-submit\"").Raw("</form>");

            var ticketOpen = state.TicketChannel || state.TicketErrors is { Count: > 0 };
            html.Raw("<details class=\"portal-lookup__ticket\"").Flag("open", ticketOpen).Raw(">").Element("summary", t["Lookup.ByTicket"]);
            FormStart(html, page, "lookup-ticket", "ticket-form");
            var ticketErrors = new FormErrors("ticket", state.TicketErrors);
            Errors(html, ticketErrors);
            TextField(html, "ticket", "Ticket.TicketNumber", t["Lookup.Ticket"], state.TicketNumber, 40, "autocomplete=\"off\"", t["Lookup.TicketHint"],
                ticketErrors.For("Ticket"));
            NameField(html, t, "ticket-name", "Ticket.Name", state.TicketName, hintId: null, ticketErrors.For("Name"));
            // Most visitors use the first form: the ticket form's picture waits until its disclosure is opened (lazy
            // images inside a closed <details> are not loaded), so a visit draws one captcha, not two.
            CaptchaField(html, page, "ticket-captcha", "Ticket.CaptchaAnswer", "Ticket.CaptchaToken", ticketErrors.For("Captcha"), lazy: !ticketOpen);
            html.Element("button", t["Lookup.Submit"], " type=\"submit\" class=\"portal-button portal-button--secondary\"").Raw("</form></details>");

            html.Raw("<p class=\"portal-hint\" style=\"margin-top:.75rem\">")
                .Element("a", t["Overseas.Link"], " href=\"/lookup/overseas?culture=en-US\" lang=\"en\" data-testid=\"overseas-link\"").Raw(" · ")
                .Element("a", t["Faq.Link"], " href=\"/faq\" data-testid=\"lookup-faq\"").Raw("</p>");
        });

    public static void OverseasPage(HtmlWriter html, LookupPageContext page, OverseasPageState state) =>
        Page(html, page, "Overseas.Title", "Overseas.Intro", "/lookup/overseas", state.Outcome, state.Office, t =>
        {
            FormStart(html, page, "lookup-overseas", "overseas-form");
            var errors = new FormErrors("overseas", state.Errors);
            Errors(html, errors);
            SessionSelect(html, page, t, state.SessionCode, errors.For("Session"));
            TextField(html, "passport", "Input.PassportNumber", t["Overseas.Passport"], state.PassportNumber, 64, "autocomplete=\"off\"",
                describedBy: errors.For("Passport", "IdNumber"));
            TextField(html, "email", "Input.Email", t["Overseas.Email"], state.Email, 254, "type=\"email\" autocomplete=\"email\"",
                describedBy: errors.For("Email"));
            CaptchaField(html, page, "captcha", "Input.CaptchaAnswer", "Input.CaptchaToken", errors.For("Captcha"), inline: true);
            html.Element("button", t["Lookup.Submit"], " type=\"submit\" class=\"portal-button\" data-testid=\"overseas-submit\"").Raw("</form>")
                .Raw("<p class=\"portal-hint\">").Element("a", t["Overseas.BackToMain"], " href=\"/lookup\"").Raw("</p>");
        });

    /// <summary>
    /// A lookup page: its forms in a card, then the answer. After a match the sheet stands alone (nothing to retype,
    /// nothing to print twice): no form, no fresh captcha, a link to look up again.
    /// </summary>
    private static void Page(HtmlWriter html, LookupPageContext page, string titleKey, string introKey, string againHref,
        ResultOutcome? outcome, MissOffice? office, Action<CachedTexts> forms)
    {
        var t = page.T;
        PortalDocument.Begin(html, page.Http, t, t[titleKey]);
        html.Raw("<div class=\"portal-lookup\">");
        if (outcome is ResultOutcome.Found)
        {
            AgainLink(html, t, againHref);
        }
        else
        {
            html.Raw($"<div class=\"{MudClasses.Paper} portal-card portal-lookup__forms\">");
            Heading(html, t[titleKey], t[introKey]);
            forms(t);
            // One line naming the privacy notice (PIPL): static text from the cached tables, nothing to wait for.
            html.Raw("<p class=\"portal-hint\" data-testid=\"lookup-privacy\">").Text(t["Privacy.LookupLine"]).Raw(" ")
                .Element("a", t["Privacy.Title"], " href=\"/privacy\"").Raw("</p>");
            html.Raw("</div>");
        }
        Outcome(html, page, outcome);
        office?.Write(html, t);
        html.Raw("</div>");
        PortalDocument.End(html, page.Http, t);
    }

    private static void AgainLink(HtmlWriter html, CachedTexts t, string href) =>
        html.Raw("<p class=\"portal-lookup__again\"><a class=\"portal-button portal-button--secondary\"").Attr("href", href)
            .Raw(" data-testid=\"lookup-again\">").Text(t["Lookup.Again"]).Raw("</a></p>");

    private static void Heading(HtmlWriter html, string title, string intro) =>
        html.Element("h1", title, $" class=\"{MudClasses.H5WithGutter}\"")
            .Element("p", intro, $" class=\"{MudClasses.Body2} mb-3\"");

    private static void FormStart(HtmlWriter html, LookupPageContext page, string handler, string testId)
    {
        html.Raw("<form method=\"post\" class=\"portal-form\"").Attr("data-testid", testId).Attr("action", page.Http.Request.Path + page.Http.Request.QueryString).Raw(">")
            .Raw("<input type=\"hidden\" name=\"_handler\"").Attr("value", handler).Raw(">")
            .Raw("<input type=\"hidden\" name=\"__RequestVerificationToken\"").Attr("value", page.FormToken).Raw(">");
    }

    /// <summary>The form's messages above it, announced at once (role=alert), each with the id its field refers to.</summary>
    private static void Errors(HtmlWriter html, FormErrors errors)
    {
        if (errors.All.Count == 0) return;
        html.Raw("<div class=\"portal-alert portal-alert--error\" role=\"alert\" data-testid=\"form-errors\">");
        if (errors.All.Count == 1)
        {
            html.Raw("<span").Attr("id", errors.Id(0)).Raw(">");
            Message(html, errors.All[0]);
            html.Raw("</span>");
        }
        else
        {
            html.Raw("<ul style=\"margin:0;padding-left:1.2rem\">");
            for (var i = 0; i < errors.All.Count; i++)
            {
                html.Raw("<li").Attr("id", errors.Id(i)).Raw(">");
                Message(html, errors.All[i]);
                html.Raw("</li>");
            }
            html.Raw("</ul>");
        }
        html.Raw("</div>");
        // Only a page that tells a wait loads the countdown; without script the text says "wait N seconds" as it is.
        if (errors.All.Any(e => e.WaitSeconds is not null)) html.Raw("<script src=\"/js/wait.js\" defer></script>");
    }

    /// <summary>A message's text; a wait's seconds in an element the countdown script updates (not re-announced).</summary>
    private static void Message(HtmlWriter html, FormError error)
    {
        if (error.WaitSeconds is not { } seconds)
        {
            html.Text(error.Text);
            return;
        }
        var at = error.Text.IndexOf("{0}", StringComparison.Ordinal);
        var shown = seconds.ToString(CultureInfo.InvariantCulture);
        if (at < 0)
        {
            html.Text(error.Text);
            return;
        }
        html.Text(error.Text[..at]).Raw("<span data-wait-seconds").Attr("data-testid", "wait-seconds").Raw(">").Text(shown).Raw("</span>")
            .Text(error.Text[(at + 3)..]);
    }

    /// <summary>Marks a field invalid and names its messages; <paramref name="hintId"/> adds the field's hint.</summary>
    private static void Invalid(HtmlWriter html, string? errorIds, string? hintId = null)
    {
        if (errorIds is not null) html.Raw(" aria-invalid=\"true\"");
        var describedBy = string.Join(' ', new[] { errorIds, hintId }.Where(id => id is not null));
        if (describedBy.Length > 0) html.Attr("aria-describedby", describedBy);
    }

    private static void SessionSelect(HtmlWriter html, LookupPageContext page, CachedTexts t, string? selected, string? errorIds)
    {
        if (string.IsNullOrEmpty(selected)) selected = DefaultSessionCode(page.Sessions);
        html.Raw("<div class=\"portal-field\"><label for=\"session\">").Text(t["Lookup.Session"]).Raw("</label><select id=\"session\" name=\"Input.SessionCode\"");
        Invalid(html, errorIds);
        html.Raw(">");
        foreach (var s in page.Sessions)
            html.Raw("<option").Attr("value", s.Code).Flag("selected", string.Equals(s.Code, selected, StringComparison.OrdinalIgnoreCase)).Raw(">")
                .Text(PortalFormat.Name(s.NameZh, s.NameEn)).Raw("</option>");
        html.Raw("</select></div>");
    }

    /// <summary>The newest released session, else the newest.</summary>
    public static string? DefaultSessionCode(IReadOnlyList<SessionInfo> sessions) =>
        sessions.FirstOrDefault(s => s.PublishedAt is not null)?.Code ?? sessions.FirstOrDefault()?.Code;

    /// <param name="attributes">Literal attributes from code (never data).</param>
    private static void TextField(HtmlWriter html, string id, string name, string label, string? value, int maxLength, string attributes,
        string? placeholder = null, string? describedBy = null)
    {
        html.Raw("<div class=\"portal-field\"><label").Attr("for", id).Raw(">").Text(label).Raw("</label>")
            .Raw("<input").Attr("id", id).Attr("name", name).Raw(" ").Raw(attributes)
            .Attr("maxlength", maxLength.ToString(CultureInfo.InvariantCulture));
        Invalid(html, describedBy);
        if (placeholder is not null) html.Attr("placeholder", placeholder);
        html.Attr("value", value).Raw("></div>");
    }

    private static void NameField(HtmlWriter html, CachedTexts t, string id, string name, string? value, string? hintId, string? errorIds)
    {
        html.Raw("<div class=\"portal-field\"><label").Attr("for", id).Raw(">").Text(t["Lookup.Name"]).Raw("</label>")
            .Raw("<input").Attr("id", id).Attr("name", name).Raw(" type=\"text\" autocomplete=\"name\" maxlength=\"600\"");
        Invalid(html, errorIds, hintId);
        html.Attr("value", value).Raw("><small class=\"portal-hint\"");
        if (hintId is not null) html.Attr("id", hintId);
        html.Raw(">").Text(t["Lookup.NameHint"]).Raw("</small></div>");
    }

    /// <summary>A fresh single-use captcha; wwwroot/js/captcha.js refreshes it before it expires and on the button.</summary>
    /// <param name="lazy">The picture loads only once it is shown (a form inside a closed disclosure); browsers without
    /// script load it at once, so the form works either way.</param>
    /// <param name="inline">The page's first form: its picture is drawn into the page when <see cref="LookupPageContext.Inline"/>
    /// allows it (one request less per visit), else linked.</param>
    private static void CaptchaField(HtmlWriter html, LookupPageContext page, string id, string answerName, string tokenName, string? errorIds,
        bool lazy = false, bool inline = false)
    {
        var t = page.T;
        string token, picture;
        DateTimeOffset expiresAt;
        if (inline && page.Inline is { } drawn) (token, expiresAt, picture) = drawn.Issue();
        else
        {
            (token, expiresAt) = page.Captcha.Issue();
            picture = CaptchaExtensions.ImageUrl(token);
        }
        html.Raw("<div class=\"portal-field portal-captcha\" data-captcha").Attr("data-expires", expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
            .Raw("><label").Attr("for", id).Raw(">").Text(t["Captcha.Label"]).Raw("</label><div class=\"portal-captcha__row\">")
            .Raw("<input").Attr("id", id).Attr("name", answerName)
            .Raw(" type=\"text\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"8\" aria-required=\"true\"");
        Invalid(html, errorIds, id + "-hint");
        html.Raw(" class=\"portal-captcha__input\">")
            .Raw("<img src=\"").Raw(picture).Raw("\"")
            .Attr("width", CaptchaImage.Width.ToString(CultureInfo.InvariantCulture)).Attr("height", CaptchaImage.Height.ToString(CultureInfo.InvariantCulture))
            .Attr("alt", t["Captcha.ImageAlt"]).Raw(lazy ? " loading=\"lazy\"" : "").Raw(" data-captcha-image class=\"portal-captcha__image\">")
            .Raw("<button type=\"button\" class=\"portal-captcha__refresh\" data-captcha-refresh").Attr("title", t["Captcha.Refresh"])
            .Attr("aria-label", t["Captcha.Refresh"]).Raw(">↻</button>");
        // The spoken code for those who cannot see the image; a plain link, so it plays without script too.
        if (page.Http.RequestServices.GetRequiredService<CaptchaAudio>().IsAvailable)
            html.Raw("<a class=\"portal-captcha__audio\" data-captcha-audio data-testid=\"captcha-audio\"").Attr("href", CaptchaExtensions.AudioUrl(token))
                .Raw(">").Text(t["Captcha.Audio"]).Raw("</a>");
        html.Raw("</div>")
            .Raw("<input type=\"hidden\"").Attr("name", tokenName).Attr("value", token).Raw(" data-captcha-token>")
            .Element("small", t["Captcha.Hint"], $" id=\"{id}-hint\"").Raw("</div>");
    }

    /// <summary>What a lookup answers, below its form; shared by every lookup channel.</summary>
    private static void Outcome(HtmlWriter html, LookupPageContext page, ResultOutcome? outcome) =>
        ResultSheetHtml.Outcome(html, page.T, outcome, page.Http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow());
}
