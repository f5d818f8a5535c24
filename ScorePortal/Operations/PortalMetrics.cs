using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

/// <summary>
/// The portal's own instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>), one instance per host
/// (created through <see cref="IMeterFactory"/>, which also disposes it, so two hosts in one process never mix their
/// numbers). Operators read
/// them at <c>/metrics</c> (<see cref="MetricsEndpoint"/>); the public status page reads the lookup duration through a
/// listener of its own. Tags carry kinds and outcomes only, never an ID number, a name or an address. Prometheus sees
/// meter and instrument together: <c>lookups</c> is <c>scoreportal_lookups</c>.
/// <para>
/// The counters of the release-day path (lookups, captcha pictures) are observable: a request adds to a plain
/// interlocked number and the listeners read the totals when they collect. A counter's <c>Add</c> calls every
/// listener at once, and prometheus-net's adapter looked up its series and copied the tags for each one: 5 % of a form
/// page's time for one counter (bench/RESULTS.md, "whole visit").
/// </para>
/// </summary>
public sealed class PortalMetrics
{
    public const string MeterName = "ScorePortal";
    public const string LookupsName = "lookups";
    public const string LookupDurationName = "lookup.duration";
    public const string CaptchaImagesName = "captcha.images";
    public const string ApiCallsName = "api.calls";
    public const string OutboxBacklogName = "outbox.backlog";
    public const string GateInsideName = "gate.inside";
    public const string GateWaitingName = "gate.waiting";
    public const string GateCapacityName = "gate.capacity";
    public const string GateRefusedName = "gate.refused";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<(string Channel, string Outcome), StrongBox<long>> _lookups = new();
    private readonly Histogram<double> _lookupDuration;
    private long _captchaServed, _captchaExpired, _captchaInline;
    private readonly Counter<long> _apiCalls;
    private long _outboxBacklog;

    public PortalMetrics(IMeterFactory meters, GateOccupancy gate, IOptions<BusyGateOptions> gateOptions)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableCounter(LookupsName, () => _lookups.Select(pair => new Measurement<long>(Interlocked.Read(ref pair.Value.Value),
                new KeyValuePair<string, object?>("channel", pair.Key.Channel), new KeyValuePair<string, object?>("outcome", pair.Key.Outcome))),
            "{lookup}", "Lookup form posts answered, by channel and outcome");
        _lookupDuration = _meter.CreateHistogram<double>(LookupDurationName, "s",
            "Time to answer a lookup post, from the endpoint's start to the page written (after the busy gate)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LookupDurationBuckets });
        _meter.CreateObservableCounter(CaptchaImagesName, () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _captchaServed), new KeyValuePair<string, object?>("result", "served")),
            new Measurement<long>(Interlocked.Read(ref _captchaExpired), new KeyValuePair<string, object?>("result", "expired")),
            new Measurement<long>(Interlocked.Read(ref _captchaInline), new KeyValuePair<string, object?>("result", "inline")),
        }, "{image}", "Captcha pictures asked for, by result (served, expired, or inline: drawn into the lookup page itself)");
        _apiCalls = _meter.CreateCounter<long>(ApiCallsName, "{call}", "Enterprise API calls, by operation");
        _meter.CreateObservableGauge(OutboxBacklogName, () => Interlocked.Read(ref _outboxBacklog), "{message}",
            "Outbox messages not yet delivered nor dead, as counted after the outbox worker's last pass on this instance");
        var options = gateOptions.Value;
        _meter.CreateObservableGauge(GateInsideName, () => GatePoints(gate, c => c.Inside), "{request}", "Requests inside the busy gate");
        _meter.CreateObservableGauge(GateWaitingName, () => GatePoints(gate, c => c.Waiting), "{request}", "Requests waiting for a slot of the busy gate");
        _meter.CreateObservableGauge(GateCapacityName, () => new[]
        {
            new Measurement<long>(options.MaxConcurrent, new KeyValuePair<string, object?>("gate", "lookup")),
            new Measurement<long>(options.ChallengeMaxConcurrent, new KeyValuePair<string, object?>("gate", "challenge")),
        }, "{request}", "Slots of the busy gate");
        _meter.CreateObservableCounter(GateRefusedName, () => GatePoints(gate, c => c.Refused), "{request}",
            "Requests the busy gate answered busy (or that gave up waiting)");
    }

    /// <summary>The lookup duration's buckets in seconds, for /metrics (the advice above, which prometheus-net does not read).</summary>
    internal static readonly double[] LookupDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static Measurement<long>[] GatePoints(GateOccupancy gate, Func<GateOccupancy.GateCounters, long> read) =>
    [
        new(read(gate.Lookups), new KeyValuePair<string, object?>("gate", "lookup")),
        new(read(gate.Challenges), new KeyValuePair<string, object?>("gate", "challenge")),
    ];

    /// <summary>One lookup post answered: <paramref name="channel"/> id, ticket or passport; <paramref name="outcome"/> a kind, never data.</summary>
    public void Lookup(string channel, string outcome, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _lookups.GetOrAdd((channel, outcome), static _ => new StrongBox<long>()).Value);
        _lookupDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("channel", channel));
    }

    public void CaptchaImage(bool served) => Interlocked.Increment(ref served ? ref _captchaServed : ref _captchaExpired);

    /// <summary>A picture drawn into a lookup page instead of fetched by its URL.</summary>
    public void CaptchaImageInline() => Interlocked.Increment(ref _captchaInline);

    public void ApiCall(string operation) => _apiCalls.Add(1, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Set by the outbox worker after each pass.</summary>
    public void OutboxBacklog(long pending) => Interlocked.Exchange(ref _outboxBacklog, pending);
}
