using System.Globalization;
using ScorePortal.Components.StaticHtml;
using ScorePortal.Localization;
using ScorePortal.Operations;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The waiting room's page and its poll, hand-written like the lookup pages (no circuit). The page keeps the visitor's
/// form in hidden inputs (never on the server) with the queue ticket in place of the captcha, says the place and the
/// estimated wait in a live region, and wwwroot/js/waiting-room.js polls <c>GET /lookup/queue/{ticket}</c> and posts
/// the kept form when the turn comes. Without script the page says the place and offers a button to try again
/// (which keeps the place, or comes in when the turn came).
/// </summary>
internal static class WaitingRoomPage
{
    /// <summary>The guard's refusal that means "queued": the endpoint writes this page instead of the form.</summary>
    public const string Queued = "WaitingRoom.Queued";

    /// <summary>The fields of the lookup forms the page keeps; the captcha's are replaced by the ticket.</summary>
    private static readonly string[] KeptFields =
    [
        "_handler", "Input.SessionCode", "Input.IdType", "Input.IdNumber", "Input.Name", "Input.PassportNumber", "Input.Email",
        "Ticket.TicketNumber", "Ticket.Name",
    ];

    /// <summary>Longest value kept; the real fields are far shorter.</summary>
    private const int MaxKeptLength = 512;

    public static WebApplication MapWaitingRoom(this WebApplication app)
    {
        app.MapGet("/lookup/queue/{ticket}", PollAsync).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The place of a ticket as JSON: <c>{"state":"waiting","place":3,"waitSeconds":12,"pollMs":2000}</c>, pollMs saying
    /// when to ask again (<c>WaitingRoom.PollAfter</c>); never cached.
    /// </summary>
    private static async Task<IResult> PollAsync(string ticket, HttpContext http, WaitingRoom room, CachedTexts t)
    {
        http.Response.Headers.CacheControl = "no-store";
        var place = await room.CheckAsync(ticket);
        return Microsoft.AspNetCore.Http.Results.Json(new PlaceAnswer(
            place.State.ToString().ToLowerInvariant(), place.Place, Seconds(place.Estimate), PlaceText(t, place),
            (int)room.PollAfter(place).TotalMilliseconds));
    }

    private sealed record PlaceAnswer(string State, long Place, int? WaitSeconds, string Text, int PollMs);

    /// <summary>Writes the waiting page when the guard queued this post; false (nothing written) otherwise.</summary>
    public static async Task<bool> WriteIfQueuedAsync(HttpContext http, IFormCollection form, LookupEndpoints.PageServices services)
    {
        if (http.Features.Get<GateFull>()?.Ticket is not { } ticket) return false;
        var room = http.RequestServices.GetRequiredService<WaitingRoom>();
        var place = await room.CheckAsync(ticket);
        var page = await services.PageAsync(http);
        var t = page.T;
        http.Response.Headers.CacheControl = "no-store";

        using var html = new HtmlWriter();
        PortalDocument.Begin(html, http, t, t["WaitingRoom.Title"]);
        html.Raw($"<div class=\"portal-lookup\"><div class=\"{MudClasses.Paper} portal-card portal-lookup__forms\" data-testid=\"waiting-room\">")
            .Element("h1", t["WaitingRoom.Title"], $" class=\"{MudClasses.H5WithGutter}\"")
            .Element("p", t["WaitingRoom.Intro"], $" class=\"{MudClasses.Body2} mb-3\"")
            .Raw("<p class=\"portal-alert portal-alert--info\" role=\"status\" aria-live=\"polite\" aria-atomic=\"true\" data-testid=\"waiting-place\">")
            .Text(PlaceText(t, place)).Raw("</p>")
            .Element("p", t["WaitingRoom.KeepOpen"], $" class=\"{MudClasses.Body2} mb-3\"");

        html.Raw("<form method=\"post\" class=\"portal-form\" data-testid=\"waiting-form\" data-waiting-room")
            .Attr("action", http.Request.Path + http.Request.QueryString)
            // The poll answers in the page's language, whatever told it (cookie, ?culture=, the browser's languages).
            .Attr("data-poll", "/lookup/queue/" + ticket + "?culture=" + CultureInfo.CurrentUICulture.Name)
            .Attr("data-interval", ((int)room.Options.PollInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))
            .Raw(">")
            .Raw("<input type=\"hidden\" name=\"__RequestVerificationToken\"").Attr("value", page.FormToken).Raw(">")
            .Raw("<input type=\"hidden\"").Attr("name", GateLine.TicketField).Attr("value", ticket).Raw(">");
        foreach (var key in KeptFields)
        {
            if (form[key].ToString() is { Length: > 0 and <= MaxKeptLength } value)
                html.Raw("<input type=\"hidden\"").Attr("name", key).Attr("value", value).Raw(">");
        }
        html.Element("button", t["WaitingRoom.TryAgain"], " type=\"submit\" class=\"portal-button portal-button--secondary\" data-testid=\"waiting-try-again\"")
            .Raw("</form>")
            .Element("p", t["WaitingRoom.NoScript"], $" class=\"{MudClasses.Caption}\" data-waiting-noscript")
            .Raw("</div></div><script src=\"/js/waiting-room.js\" defer></script>");
        PortalDocument.End(html, http, t);
        await html.WriteToAsync(http.Response);
        return true;
    }

    /// <summary>What the live region says: the place and the estimate, or that the turn came.</summary>
    internal static string PlaceText(CachedTexts t, QueuePlace place) => place.State switch
    {
        PlaceState.Admitted => t["WaitingRoom.YourTurn"],
        PlaceState.Gone => t["WaitingRoom.TicketExpired"],
        _ => t.Format("WaitingRoom.Place", place.Place) + " " +
             (Seconds(place.Estimate) is { } seconds ? t.Format("WaitingRoom.Estimate", seconds) : t["WaitingRoom.Estimating"]),
    };

    private static int? Seconds(TimeSpan? wait) => wait is { } w ? LookupEndpoints.WaitSeconds(w) : null;
}
