using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

public sealed class BusyGateOptions
{
    public const string Section = "BusyGate";

    /// <summary>Form posts under these paths pass the gate (the release-day hot path).</summary>
    public string[] Paths { get; set; } = ["/lookup"];

    /// <summary>Requests handled at once; more wait in line.</summary>
    public int MaxConcurrent { get; set; } = 128;

    /// <summary>How long a request may wait for a slot before it is answered "busy" instead of timing out.</summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// The form fields the busy page carries over into its retry form (the lookup forms' fields); anything else a post
    /// contains is dropped, so the page never reflects arbitrary input.
    /// </summary>
    public string[] EchoedFields { get; set; } =
    [
        "_handler", "__RequestVerificationToken",
        "Input.SessionCode", "Input.IdType", "Input.IdNumber", "Input.Name", "Input.PassportNumber", "Input.Email",
        "Input.CaptchaToken", "Input.CaptchaAnswer",
        "Ticket.TicketNumber", "Ticket.Name", "Ticket.CaptchaToken", "Ticket.CaptchaAnswer",
    ];

    /// <summary>Longest value carried over; the real fields are far shorter.</summary>
    public int MaxEchoedLength { get; set; } = 512;

    /// <summary>
    /// GET requests under these paths pass a gate of their own: the captcha challenges and pictures, which cost CPU to
    /// draw and which a flood could otherwise ask for without limit. Their own slots, so a flood of images cannot take
    /// the lookups' slots; a refused one gets a bare 503 with Retry-After (no page: it is an image or a script's call).
    /// </summary>
    public string[] ChallengePaths { get; set; } = ["/captcha/image", "/captcha/new", "/captcha/audio"];

    /// <summary>Challenge requests handled at once (drawing is CPU work: a few per core is plenty).</summary>
    public int ChallengeMaxConcurrent { get; set; } = 8;
}

/// <summary>
/// A global concurrency limit for the hot form posts. When the server is saturated, a request waits briefly for a
/// slot and then gets a friendly 503 "系统繁忙" page with Retry-After, which re-posts the candidate's own form after a
/// countdown: nothing typed is lost, and no request hangs until a proxy times it out.
/// </summary>
public sealed class BusyGate(RequestDelegate next, IOptions<BusyGateOptions> options, IStringLocalizer<SharedResource> L,
    GateOccupancy? occupancy = null)
{
    private readonly BusyGateOptions _options = options.Value;

    /// <summary>What the gate holds, for /metrics and the status page (DI's singleton; a gate built alone keeps its own).</summary>
    private readonly GateOccupancy _occupancy = occupancy ?? new();
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);
    private readonly SemaphoreSlim _challengeSlots = new(options.Value.ChallengeMaxConcurrent, options.Value.ChallengeMaxConcurrent);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var slots = HttpMethods.IsPost(request.Method) && _options.Paths.Any(p => request.Path.StartsWithSegments(p)) ? _slots
            : HttpMethods.IsGet(request.Method) && _options.ChallengePaths.Any(p => request.Path.StartsWithSegments(p)) ? _challengeSlots
            : null;
        if (slots is null)
        {
            await next(context);
            return;
        }
        var counters = slots == _slots ? _occupancy.Lookups : _occupancy.Challenges;
        counters.StartWaiting();
        var admitted = false;
        try
        {
            admitted = await slots.WaitAsync(_options.QueueTimeout, context.RequestAborted);
        }
        finally
        {
            counters.StopWaiting(admitted);
        }
        if (!admitted)
        {
            if (slots == _slots) await WriteBusyPageAsync(context);
            else RefuseChallenge(context);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            slots.Release();
            counters.Leave();
        }
    }

    /// <summary>503 with Retry-After and no body: drawing the status page for every refused image would feed the flood.</summary>
    private void RefuseChallenge(HttpContext context)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
    }

    private async Task WriteBusyPageAsync(HttpContext context)
    {
        IFormCollection? form = null;
        try
        {
            if (context.Request.HasFormContentType) form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            // A malformed form is not echoed; the page still says to retry.
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";

        var seconds = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var html = new StringBuilder(2048);
        html.Append("<!DOCTYPE html><html lang=\"").Append(CultureInfo.CurrentUICulture.Name).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"><title>").Append(Encode(L["Status.503.Title"]))
            .Append("</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body><main class=\"portal-main\"><div class=\"portal-narrow\">")
            .Append("<div class=\"portal-card\" style=\"background:#fff;border-radius:6px\" role=\"status\" aria-live=\"polite\">")
            .Append("<h1>").Append(Encode(L["Status.503.Title"])).Append("</h1>")
            .Append("<p>").Append(Encode(L["Busy.Text", "\u0000"]).Replace("\u0000", $"<span data-countdown>{seconds}</span>")).Append("</p>")
            .Append("<form method=\"post\" action=\"").Append(Encode(context.Request.Path + context.Request.QueryString)).Append("\" data-auto-retry=\"").Append(seconds).Append("\">");
        if (form is not null)
        {
            foreach (var key in _options.EchoedFields)
            {
                if (!form.TryGetValue(key, out var values)) continue;
                foreach (var value in values.Take(1))
                {
                    if (value is null || value.Length > _options.MaxEchoedLength) continue;
                    html.Append("<input type=\"hidden\" name=\"").Append(Encode(key)).Append("\" value=\"").Append(Encode(value)).Append("\">");
                }
            }
        }
        html.Append("<button type=\"submit\" class=\"portal-button\">").Append(Encode(L["Busy.RetryNow"])).Append("</button></form>")
            .Append("</div></div></main><script src=\"/js/retry.js\"></script></body></html>");
        await context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    private static string Encode(string? s) => WebUtility.HtmlEncode(s ?? "");
}

public static class BusyGateExtensions
{
    public static WebApplicationBuilder AddBusyGate(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GateOccupancy>();
        builder.Services.AddOptions<BusyGateOptions>().BindConfiguration(BusyGateOptions.Section)
            .Validate(o => o.MaxConcurrent > 0 && o.ChallengeMaxConcurrent > 0 && o.RetryAfterSeconds > 0,
                "BusyGate:MaxConcurrent, ChallengeMaxConcurrent and RetryAfterSeconds must be positive.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication UseBusyGate(this WebApplication app)
    {
        app.UseMiddleware<BusyGate>();
        return app;
    }
}
