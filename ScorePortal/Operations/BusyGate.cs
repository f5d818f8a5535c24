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

    /// <summary>
    /// When the gate is full, a lookup post goes on without a slot to be put in the waiting room
    /// (<c>Features/Lookup/WaitingRoom</c>, docs/lookup.md) instead of getting the 503 busy page. Off: the busy page.
    /// </summary>
    public bool WaitingRoom { get; set; } = true;
}

/// <summary>
/// Set on a gated form post that found no slot (or found a line already waiting): the request runs on without a slot,
/// and the endpoint puts the visitor in the waiting room (its <see cref="Ticket"/>) instead of doing the work.
/// </summary>
public sealed class GateFull
{
    /// <summary>The queue ticket the page carries; set by whoever queued the visitor, null while not queued.</summary>
    public string? Ticket { get; set; }
}

/// <summary>
/// What the waiting room needs of this instance's gate: its free lookup slots and how fast they free (admission keeps
/// up with the gate's real throughput), and a hint that a line is waiting, which sends newcomers to the end of the line
/// instead of into a freed slot ahead of it.
/// </summary>
public sealed class GateLine(TimeProvider time, IOptions<BusyGateOptions> options)
{
    /// <summary>The shortest admission window: a bound on admissions per second (slots / 10 ms) whatever the measure says.</summary>
    internal static readonly TimeSpan MinAdmitWindow = TimeSpan.FromMilliseconds(10);

    private long _lineUntil;

    /// <summary>The mean time a lookup holds a slot (an exponentially weighted mean, in <see cref="TimeSpan"/> ticks); 0 before the first.</summary>
    private long _holdTicks;

    /// <summary>When this instance admitted from the line lately (<see cref="TimeProvider.GetTimestamp"/>), oldest first.</summary>
    private readonly Queue<long> _admitted = new();

    /// <summary>The name of the form field that carries a queue ticket.</summary>
    public const string TicketField = "Queue.Ticket";

    /// <summary>The gate's lookup slots (<see cref="BusyGateOptions.MaxConcurrent"/>), one per lookup post in progress.</summary>
    internal SemaphoreSlim LookupSlots { get; } = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);

    /// <summary>This instance's free lookup slots now.</summary>
    public int FreeSlots => LookupSlots.CurrentCount;

    /// <summary>Whether a line was seen waiting within the last hint (see <see cref="SawLine"/>).</summary>
    public bool LineWaiting => time.GetUtcNow().UtcTicks < Volatile.Read(ref _lineUntil);

    /// <summary>Notes that people wait in line, for the next <paramref name="hint"/>.</summary>
    public void SawLine(TimeSpan hint) => Volatile.Write(ref _lineUntil, (time.GetUtcNow() + hint).UtcTicks);

    /// <summary>The time <see cref="Held"/> measures from.</summary>
    internal long Now() => time.GetTimestamp();

    /// <summary>A lookup that started at <paramref name="since"/> (<see cref="Now"/>) gave its slot back.</summary>
    internal void Held(long since)
    {
        var sample = time.GetElapsedTime(since).Ticks;
        var mean = Volatile.Read(ref _holdTicks);
        // A lost update under contention only drops one sample of the mean.
        Volatile.Write(ref _holdTicks, mean == 0 ? sample : mean + (sample - mean) / 16);
    }

    /// <summary>The mean time a lookup holds a slot lately; null before the first.</summary>
    public TimeSpan? MeanHold => Volatile.Read(ref _holdTicks) is > 0 and var ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>
    /// Takes one admission from the line if this instance has room for it: within the last window, no more admissions
    /// than it has free slots, the window being the mean time a slot is held (at least <see cref="MinAdmitWindow"/>, at
    /// most <paramref name="longestWindow"/>, which also applies before any lookup was measured). So the line is
    /// admitted as fast as slots free, which is the gate's throughput, and not faster than they free; a full gate
    /// admits nobody. Per instance: each instance lends its own slots, so two instances admit twice as fast.
    /// </summary>
    public bool TryAdmit(TimeSpan longestWindow)
    {
        var free = FreeSlots;
        if (free <= 0) return false;
        var window = MeanHold is { } hold ? TimeSpan.FromTicks(Math.Clamp(hold.Ticks, MinAdmitWindow.Ticks, Math.Max(MinAdmitWindow.Ticks, longestWindow.Ticks)))
            : longestWindow;
        var now = time.GetTimestamp();
        lock (_admitted)
        {
            while (_admitted.TryPeek(out var oldest) && time.GetElapsedTime(oldest, now) >= window) _admitted.Dequeue();
            if (_admitted.Count >= free) return false;
            _admitted.Enqueue(now);
            return true;
        }
    }
}

/// <summary>
/// A global concurrency limit for the hot form posts. When the server is saturated, a request waits briefly for a
/// slot; then, with the waiting room on (<see cref="GateLine"/>, <see cref="BusyGateOptions.WaitingRoom"/>), it goes on
/// without a slot marked <see cref="GateFull"/> and the lookup queues it (docs/lookup.md#the-waiting-room); without, it
/// gets a friendly 503 "系统繁忙" page with Retry-After, which re-posts the candidate's own form after a countdown:
/// nothing typed is lost, and no request hangs until a proxy times it out.
/// </summary>
public sealed class BusyGate
{
    private readonly RequestDelegate _next;
    private readonly IStringLocalizer<SharedResource> _l;
    private readonly BusyGateOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _challengeSlots;
    private readonly GateLine? _line;
    private readonly StorageHealth? _storage;

    /// <summary>What the gate holds, for /metrics and the status page (DI's singleton; a gate built alone keeps its own).</summary>
    private readonly GateOccupancy _occupancy;

    /// <param name="line">
    /// With it (and <see cref="BusyGateOptions.WaitingRoom"/>), a lookup post that finds the gate full goes on without a
    /// slot, marked <see cref="GateFull"/>, to be put in the waiting room; without it, the 503 busy page.
    /// </param>
    /// <param name="occupancy">The gate's counters shared with /metrics and the status page.</param>
    /// <param name="storage">
    /// While the audit writer cannot commit (a full or read-only database), a lookup post gets the "temporarily
    /// unavailable" page (503, Retry-After) instead of an answer without its audit entry (issue #26).
    /// </param>
    public BusyGate(RequestDelegate next, IOptions<BusyGateOptions> options, IStringLocalizer<SharedResource> L, GateLine? line = null,
        GateOccupancy? occupancy = null, StorageHealth? storage = null)
    {
        _storage = storage;
        _next = next;
        _l = L;
        _options = options.Value;
        _slots = line?.LookupSlots ?? new(_options.MaxConcurrent, _options.MaxConcurrent);
        _challengeSlots = new(_options.ChallengeMaxConcurrent, _options.ChallengeMaxConcurrent);
        _line = _options.WaitingRoom ? line : null;
        _occupancy = occupancy ?? new();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var slots = HttpMethods.IsPost(request.Method) && _options.Paths.Any(p => request.Path.StartsWithSegments(p)) ? _slots
            : HttpMethods.IsGet(request.Method) && _options.ChallengePaths.Any(p => request.Path.StartsWithSegments(p)) ? _challengeSlots
            : null;
        if (slots is null)
        {
            await _next(context);
            return;
        }
        if (slots == _slots && _storage is { AuditFailing: true })
        {
            // Checked before any work: a lookup costs nothing while it could not be audited, and the visitor's form is
            // kept on the page, which posts it again after the countdown.
            await WriteBusyPageAsync(context, "Faults.Lookup.Unavailable.Title", "Faults.Lookup.Unavailable.Text");
            return;
        }
        var toLine = slots == _slots && _line is not null;
        // While a line waits, a newcomer joins its end rather than take a freed slot ahead of it; a visitor of the
        // line (their ticket in the form) goes on to wait for a slot.
        if (toLine && _line!.LineWaiting && !await CarriesTicketAsync(context))
        {
            await GoOnWithoutSlotAsync(context);
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
            if (toLine) await GoOnWithoutSlotAsync(context);
            else if (slots == _slots) await WriteBusyPageAsync(context);
            else RefuseChallenge(context);
            return;
        }
        var began = _line?.Now() ?? 0;
        try
        {
            await _next(context);
        }
        finally
        {
            slots.Release();
            counters.Leave();
            if (slots == _slots) _line?.Held(began);
        }
    }

    /// <summary>The request goes on without a slot, marked full: the endpoint checks its captcha and queues it.</summary>
    private Task GoOnWithoutSlotAsync(HttpContext context)
    {
        context.Features.Set(new GateFull());
        return _next(context);
    }

    private static async Task<bool> CarriesTicketAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType) return false;
        try
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            return form.ContainsKey(GateLine.TicketField);
        }
        catch (InvalidDataException)
        {
            return false;
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

    private async Task WriteBusyPageAsync(HttpContext context, string titleKey = "Status.503.Title", string textKey = "Busy.Text")
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
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\"><title>").Append(Encode(_l[titleKey]))
            .Append("</title><link rel=\"stylesheet\" href=\"/app.css\"></head><body><main class=\"portal-main\"><div class=\"portal-narrow\">")
            .Append("<div class=\"portal-card\" style=\"background:#fff;border-radius:6px\" role=\"status\" aria-live=\"polite\">")
            .Append("<h1>").Append(Encode(_l[titleKey])).Append("</h1>")
            .Append("<p>").Append(Encode(_l[textKey, "\u0000"]).Replace("\u0000", $"<span data-countdown>{seconds}</span>")).Append("</p>")
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
        html.Append("<button type=\"submit\" class=\"portal-button\">").Append(Encode(_l["Busy.RetryNow"])).Append("</button></form>")
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
        builder.Services.AddSingleton<GateLine>();
        return builder;
    }

    public static WebApplication UseBusyGate(this WebApplication app)
    {
        app.UseMiddleware<BusyGate>();
        return app;
    }
}
