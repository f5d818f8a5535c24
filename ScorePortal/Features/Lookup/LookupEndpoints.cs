using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using ScorePortal.Components.StaticHtml;
using ScorePortal.Features.Captcha;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The release-day lookup pages: /lookup (ID document or admission ticket, with name) and /lookup/overseas (passport and
/// registered email). Each is one GET (the forms) and one POST (the answer, or the form again with what to fix), written
/// by <see cref="LookupHtml"/>; a post the busy gate found full is queued in the waiting room (<see cref="WaitingRoomPage"/>). The form posts carry the antiforgery token; a stale token gets the localized 400 page.
/// </summary>
public static class LookupEndpoints
{
    /// <summary>How many sessions the session choice offers (newest first).</summary>
    private const int SessionsOffered = 6;

    public static WebApplication MapLookup(this WebApplication app)
    {
        app.MapGet("/lookup", ShowAsync).AllowAnonymous();
        app.MapPost("/lookup", LookUpAsync).AllowAnonymous().WithRequestTimeout(RequestTimeouts.Lookup);
        app.MapGet("/lookup/overseas", ShowOverseasAsync).AllowAnonymous();
        app.MapPost("/lookup/overseas", LookUpOverseasAsync).AllowAnonymous().WithRequestTimeout(RequestTimeouts.Lookup);
        app.MapWaitingRoom();
        return app;
    }

    private static async Task ShowAsync(HttpContext http, PageServices services, ResultCatalog catalog)
    {
        using var html = new HtmlWriter();
        var page = await services.PageAsync(http);
        // A provincial site's link (ProvincialEntry): the session chosen and the site named; a plain visit reads no query.
        var state = http.Request.QueryString.HasValue
            ? new LookupPageState(SessionCode: ProvincialEntry.Session(http, page.Sessions), Sender: await ProvincialEntry.SenderAsync(http, catalog, http.RequestAborted))
            : new LookupPageState();
        LookupHtml.MainPage(html, page, state);
        await html.WriteToAsync(http.Response);
    }

    private static async Task LookUpAsync(HttpContext http, [FromForm] IFormCollection form, PageServices services,
        LookupById byId, LookupByTicket byTicket, ResultCatalog catalog)
    {
        var ct = http.RequestAborted;
        var started = services.Time.GetTimestamp();
        LookupPageState state;
        ResultOutcome answered;
        string channel;
        int status;
        if (form["_handler"] == "lookup-ticket")
        {
            var ticket = form["Ticket.TicketNumber"].ToString();
            var name = form["Ticket.Name"].ToString();
            var outcome = await byTicket.HandleAsync(new LookupByTicketRequest(ticket, name, form["Ticket.CaptchaToken"], form["Ticket.CaptchaAnswer"]), ct);
            if (await WaitingRoomPage.WriteIfQueuedAsync(http, form, services)) return;
            (answered, channel) = (outcome, "ticket");
            status = TellWait(http, outcome);
            state = new LookupPageState(TicketNumber: ticket, TicketName: name, TicketChannel: true,
                TicketErrors: services.Messages(outcome), Outcome: outcome.ShownBelowForm ? outcome : null,
                Office: outcome is ResultOutcome.NotFound ? await MissOffice.ForTicketAsync(catalog, ticket, ct) : null);
        }
        else
        {
            var session = form["Input.SessionCode"].ToString();
            IdType? type = Enum.TryParse<IdType>(form["Input.IdType"], ignoreCase: true, out var parsed) ? parsed : null;
            var number = form["Input.IdNumber"].ToString();
            var name = form["Input.Name"].ToString();
            var outcome = await byId.HandleAsync(new LookupByIdRequest(session, type, number, name, form["Input.CaptchaToken"], form["Input.CaptchaAnswer"]), ct);
            if (await WaitingRoomPage.WriteIfQueuedAsync(http, form, services)) return;
            (answered, channel) = (outcome, "id");
            status = TellWait(http, outcome);
            state = new LookupPageState(session, type, number, name,
                Errors: services.Messages(outcome), Outcome: outcome.ShownBelowForm ? outcome : null,
                Office: outcome is ResultOutcome.NotFound ? await MissOffice.ForIdAsync(catalog, type, number, ct) : null);
        }
        using var html = new HtmlWriter();
        // A match writes no form, so it needs neither sessions, antiforgery token nor captcha.
        LookupHtml.MainPage(html, state.Outcome is ResultOutcome.Found ? services.AnswerOnly(http) : await services.PageAsync(http), state);
        await html.WriteToAsync(http.Response, status);
        services.Measured(channel, answered, started);
    }

    private static async Task ShowOverseasAsync(HttpContext http, PageServices services)
    {
        using var html = new HtmlWriter();
        LookupHtml.OverseasPage(html, await services.PageAsync(http), new OverseasPageState());
        await html.WriteToAsync(http.Response);
    }

    private static async Task LookUpOverseasAsync(HttpContext http, [FromForm] IFormCollection form, PageServices services, LookupByPassport handler)
    {
        var started = services.Time.GetTimestamp();
        var session = form["Input.SessionCode"].ToString();
        var passport = form["Input.PassportNumber"].ToString();
        var email = form["Input.Email"].ToString();
        var outcome = await handler.HandleAsync(new LookupByPassportRequest(session, passport, email, form["Input.CaptchaToken"], form["Input.CaptchaAnswer"]),
            http.RequestAborted);
        if (await WaitingRoomPage.WriteIfQueuedAsync(http, form, services)) return;
        var status = TellWait(http, outcome);
        var state = new OverseasPageState(session, passport, email, services.Messages(outcome), outcome.ShownBelowForm ? outcome : null,
            outcome is ResultOutcome.NotFound ? MissOffice.Overseas : null);
        using var html = new HtmlWriter();
        LookupHtml.OverseasPage(html, state.Outcome is ResultOutcome.Found ? services.AnswerOnly(http) : await services.PageAsync(http), state);
        await html.WriteToAsync(http.Response, status);
        services.Measured("passport", outcome, started);
    }

    /// <summary>
    /// A per-address limit or block answers 429 with Retry-After (clients and proxies read it), and with the whole page:
    /// the form, a fresh captcha and the wait in seconds, never the bare status page.
    /// </summary>
    private static int TellWait(HttpContext http, ResultOutcome outcome)
    {
        if (outcome is not ResultOutcome.Refused { RetryAfter: { } wait }) return StatusCodes.Status200OK;
        http.Response.Headers.RetryAfter = WaitSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.RequestServices.GetRequiredService<ThrottleTally>().LookupRefused();
        return StatusCodes.Status429TooManyRequests;
    }

    /// <summary>A wait in whole seconds, rounded up (at least 1).</summary>
    internal static int WaitSeconds(TimeSpan wait) => (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));

    /// <summary>The singletons every lookup page uses, injected as one.</summary>
    internal sealed class PageServices(CachedTexts texts, SessionCatalog sessions, CaptchaService captcha, InlineCaptcha inline,
        IAntiforgery antiforgery, TimeProvider time, PortalMetrics metrics)
    {
        public TimeProvider Time => time;

        /// <summary>Counts the lookup and records its duration (the status page's p95 and /metrics read it): the outcome's kind only.</summary>
        public void Measured(string channel, ResultOutcome outcome, long started) =>
            metrics.Lookup(channel, outcome.GetType().Name, time.GetElapsedTime(started));

        public async Task<LookupPageContext> PageAsync(HttpContext http)
        {
            var all = await sessions.AllAsync(http.RequestAborted);
            return new LookupPageContext(http, texts, antiforgery.GetAndStoreTokens(http).RequestToken,
                all.Count > SessionsOffered ? all.Take(SessionsOffered).ToList() : all, captcha,
                await inline.AllowedAsync(http) ? inline : null);
        }

        public LookupPageContext AnswerOnly(HttpContext http) => new(http, texts, null, [], captcha);

        public IReadOnlyList<FormError> Messages(ResultOutcome outcome) => outcome is ResultOutcome.Refused { RetryAfter: { } wait } refused
            ? [new FormError(refused.MessageKey, texts[refused.MessageKey], WaitSeconds(wait))]
            : [.. outcome.FormMessageKeys.Select(k => new FormError(k, texts[k]))];
    }
}
