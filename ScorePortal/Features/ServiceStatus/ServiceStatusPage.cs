using System.Globalization;
using Microsoft.Extensions.Options;
using ScorePortal.Components.StaticHtml;
using ScorePortal.Localization;

namespace ScorePortal.Features.ServiceStatus;

/// <summary>
/// /service-status: release times, whether lookups answer now, the waiting room's line and its estimated wait, the wait
/// at the lookup gate and today's lookup p95 against the target, for everyone. Written by hand inside the portal frame
/// like the lookup pages (no Blazor renderer, no circuit): on release day it is the page a crowd refreshes. The line is
/// one for every instance (the shared store); the gate and the speed are those of the instance that answered
/// (<see cref="GetServiceStatus"/>), and the page says so.
/// </summary>
public static class ServiceStatusPage
{
    public const string Path = "/service-status";

    public static WebApplication MapServiceStatusPage(this WebApplication app)
    {
        app.MapGet(Path, ShowAsync).AllowAnonymous();
        return app;
    }

    private static async Task ShowAsync(HttpContext http, GetServiceStatus status, CachedTexts t, IOptions<ServiceStatusOptions> options)
    {
        var snapshot = await status.HandleAsync(http.RequestAborted);
        using var html = new HtmlWriter();
        Write(html, http, t, snapshot);
        // The same for everyone but the header (language, a signed-in name and its sign-out form): a browser may keep an
        // anonymous visitor's copy for the cache period; nothing shared (no proxy) keeps it. Set as the response
        // starts, after the writer's own "no-store".
        if (http.User.Identity?.IsAuthenticated != true)
        {
            var seconds = ((int)options.Value.CacheFor.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.CacheControl = $"private, max-age={seconds}";
                return Task.CompletedTask;
            });
        }
        await html.WriteToAsync(http.Response);
    }

    internal static void Write(HtmlWriter html, HttpContext http, CachedTexts t, ServiceStatusSnapshot s)
    {
        PortalDocument.Begin(html, http, t, t["ServiceStatus.Title"]);
        html.Raw("<div class=\"portal-status\">")
            .Element("h1", t["ServiceStatus.Title"], $" class=\"{MudClasses.H5WithGutter}\"")
            .Element("p", t.Format("ServiceStatus.Intro", PortalFormat.DateTime(s.At)), $" class=\"{MudClasses.Body2} mb-3\" data-testid=\"status-updated\"");

        // Lookups open or not.
        html.Raw($"<section class=\"{MudClasses.Paper} portal-card mb-3\" aria-labelledby=\"status-lookups\">")
            .Element("h2", t["ServiceStatus.Lookups"], $" id=\"status-lookups\" class=\"{MudClasses.H6WithGutter}\"");
        if (s.LookupsOpen)
            html.Element("p", t["ServiceStatus.LookupsOpen"], " class=\"portal-alert portal-alert--success\" data-testid=\"status-open\" data-open=\"true\"");
        else
            html.Element("p", s.NextRelease is { } next ? t.Format("ServiceStatus.LookupsClosedUntil", PortalFormat.DateTime(next)) : t["ServiceStatus.LookupsClosed"],
                " class=\"portal-alert portal-alert--info\" data-testid=\"status-open\" data-open=\"false\"");
        html.Raw("</section>");

        // The wait at the gate.
        html.Raw($"<section class=\"{MudClasses.Paper} portal-card mb-3\" aria-labelledby=\"status-wait\">")
            .Element("h2", t["ServiceStatus.Wait"], $" id=\"status-wait\" class=\"{MudClasses.H6WithGutter}\"");
        if (s.Line.Waiting > 0)
        {
            var people = s.Line.Waiting.ToString("N0", CultureInfo.CurrentCulture);
            var seconds = s.Line.Estimate is { } estimate ? (int)Math.Ceiling(estimate.TotalSeconds) : (int?)null;
            var text = seconds switch
            {
                null => t.Format("ServiceStatus.LineEstimating", people),
                <= 120 => t.Format("ServiceStatus.LineSeconds", people, seconds.Value),
                _ => t.Format("ServiceStatus.LineMinutes", people, (seconds.Value + 59) / 60),
            };
            html.Element("p", text, " class=\"portal-alert portal-alert--info\" data-testid=\"status-wait\" data-busy=\"true\"" +
                $" data-line=\"{s.Line.Waiting.ToString(CultureInfo.InvariantCulture)}\"" +
                (seconds is { } sec ? $" data-wait-seconds=\"{sec.ToString(CultureInfo.InvariantCulture)}\"" : ""));
        }
        else if (s.Wait.Busy)
            html.Element("p", t.Format("ServiceStatus.Busy", s.Wait.Waiting, (int)Math.Ceiling(s.Wait.MaxWait.TotalSeconds)),
                " class=\"portal-alert portal-alert--info\" data-testid=\"status-wait\" data-busy=\"true\" data-line=\"0\"");
        else
            html.Element("p", t["ServiceStatus.NoWait"], " class=\"portal-alert portal-alert--success\" data-testid=\"status-wait\" data-busy=\"false\" data-line=\"0\"");
        html.Element("p", t["ServiceStatus.LineShared"], " class=\"portal-hint\" data-testid=\"status-line-shared\"")
            .Raw("</section>");

        // Today's speed against the target.
        html.Raw($"<section class=\"{MudClasses.Paper} portal-card mb-3\" aria-labelledby=\"status-speed\">")
            .Element("h2", t["ServiceStatus.Speed"], $" id=\"status-speed\" class=\"{MudClasses.H6WithGutter}\"");
        var target = s.TargetMilliseconds.ToString(CultureInfo.InvariantCulture);
        var latency = s.Latency;
        if (latency.Count == 0)
            html.Element("p", t.Format("ServiceStatus.SpeedNone", target), $" class=\"{MudClasses.Body2}\" data-testid=\"status-p95\"");
        else
        {
            var p95 = latency.Slower
                ? t.Format("ServiceStatus.SpeedSlower", LatencyToday.LastBoundMilliseconds.ToString(CultureInfo.InvariantCulture))
                : t.Format("ServiceStatus.SpeedAtMost", latency.P95AtMostMilliseconds!.Value.ToString(CultureInfo.InvariantCulture));
            var within = latency.Within(s.TargetMilliseconds);
            html.Raw("<dl class=\"portal-sheet__facts\">")
                .Element("dt", t["ServiceStatus.P95"]).Element("dd", p95, " data-testid=\"status-p95\"")
                .Element("dt", t["ServiceStatus.Target"]).Element("dd", t.Format("ServiceStatus.TargetValue", target), " data-testid=\"status-target\"")
                .Element("dt", t["ServiceStatus.Measured"]).Element("dd", latency.Count.ToString("N0", CultureInfo.CurrentCulture), " data-testid=\"status-count\"")
                .Raw("</dl>")
                .Element("p", within ? t["ServiceStatus.TargetMet"] : t["ServiceStatus.TargetMissed"],
                    (within ? " class=\"portal-alert portal-alert--success\"" : " class=\"portal-alert portal-alert--error\"") + $" data-testid=\"status-verdict\" data-met=\"{(within ? "true" : "false")}\"");
        }
        html.Element("p", t["ServiceStatus.PerInstance"], " class=\"portal-hint\" data-testid=\"status-per-instance\"")
            .Raw("</section>");

        // Sessions and their release times.
        html.Raw($"<section class=\"{MudClasses.Paper} portal-card\" aria-labelledby=\"status-sessions\">")
            .Element("h2", t["ServiceStatus.Sessions"], $" id=\"status-sessions\" class=\"{MudClasses.H6WithGutter}\"");
        if (s.Sessions.Count == 0)
            html.Element("p", t["Home.NoSessions"], $" class=\"{MudClasses.Body2}\" data-testid=\"status-sessions-empty\"");
        else
        {
            var name = t["Session.Name"];
            var release = t["ServiceStatus.ReleaseTime"];
            var state = t["ServiceStatus.State"];
            html.Raw("<div class=\"portal-table-wrap\"><div class=\"mud-table mud-simple-table mud-table-dense mud-table-striped portal-stack\" data-testid=\"status-sessions\">")
                .Raw("<div class=\"mud-table-container\"><table><thead><tr>")
                .Element("th", name, " scope=\"col\"").Element("th", release, " scope=\"col\"").Element("th", state, " scope=\"col\"")
                .Raw("</tr></thead><tbody>");
            foreach (var line in s.Sessions)
            {
                html.Raw("<tr").Attr("data-session", line.Session.Code).Raw(">")
                    .Element("td", PortalFormat.Name(line.Session.NameZh, line.Session.NameEn), $" data-label=\"{Encode(name)}\"")
                    .Element("td", PortalFormat.DateTime(line.Session.ReleaseAt), $" data-label=\"{Encode(release)}\"")
                    .Element("td", line.State switch
                    {
                        SessionLookupState.Open => t["ServiceStatus.SessionOpen"],
                        SessionLookupState.Scheduled => t["ServiceStatus.SessionScheduled"],
                        _ => t["ServiceStatus.SessionAwaiting"],
                    }, $" data-label=\"{Encode(state)}\" data-state=\"{line.State}\"")
                    .Raw("</tr>");
            }
            html.Raw("</tbody></table></div></div></div>");
        }
        html.Raw("</section>")
            .Raw("<p class=\"mt-3\"><a class=\"portal-button\" href=\"/lookup\" data-testid=\"status-lookup\">").Text(t["Lookup.Home"]).Raw("</a></p>")
            .Raw("</div>");
        PortalDocument.End(html, http, t);
    }

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);
}
