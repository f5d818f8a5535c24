using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

/// <summary>
/// The portal's own instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>), one instance per host
/// (created through <see cref="IMeterFactory"/>, which also disposes it, so two hosts in one process never mix their
/// numbers). Operators read
/// them at <c>/metrics</c> (<see cref="MetricsEndpoint"/>); the public status page reads the lookup duration through a
/// listener of its own. Tags carry kinds and outcomes only, never an ID number, a name or an address. Prometheus sees
/// meter and instrument together: <c>lookups</c> is <c>scoreportal_lookups</c>.
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
    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _lookupDuration;
    private readonly Counter<long> _captchaImages;
    private readonly Counter<long> _apiCalls;
    private long _outboxBacklog;

    public PortalMetrics(IMeterFactory meters, GateOccupancy gate, IOptions<BusyGateOptions> gateOptions)
    {
        _meter = meters.Create(MeterName);
        _lookups = _meter.CreateCounter<long>(LookupsName, "{lookup}", "Lookup form posts answered, by channel and outcome");
        _lookupDuration = _meter.CreateHistogram<double>(LookupDurationName, "s",
            "Time to answer a lookup post, from the endpoint's start to the page written (after the busy gate)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LookupDurationBuckets });
        _captchaImages = _meter.CreateCounter<long>(CaptchaImagesName, "{image}", "Captcha pictures asked for, by result (served, expired, or inline: drawn into the lookup page itself)");
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
        var channelTag = new KeyValuePair<string, object?>("channel", channel);
        _lookups.Add(1, channelTag, new KeyValuePair<string, object?>("outcome", outcome));
        _lookupDuration.Record(elapsed.TotalSeconds, channelTag);
    }

    public void CaptchaImage(bool served) => _captchaImages.Add(1, new KeyValuePair<string, object?>("result", served ? "served" : "expired"));

    /// <summary>A picture drawn into a lookup page instead of fetched by its URL.</summary>
    public void CaptchaImageInline() => _captchaImages.Add(1, new KeyValuePair<string, object?>("result", "inline"));

    public void ApiCall(string operation) => _apiCalls.Add(1, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>Set by the outbox worker after each pass.</summary>
    public void OutboxBacklog(long pending) => Interlocked.Exchange(ref _outboxBacklog, pending);
}
