using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ScorePortal.Operations;

public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <see cref="Path"/> at all (to loopback and admins only, like the /healthz details).</summary>
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/metrics";
}

/// <summary>
/// The operators' view of the instruments in the Prometheus text format: prometheus-net's <see cref="MeterAdapter"/>
/// bridges this host's meters (the portal's own <see cref="PortalMetrics"/> and ASP.NET Core's, all created through this
/// host's <see cref="IMeterFactory"/>) plus the runtime's into a registry of this host's own. Not public: the same rule as
/// the /healthz details (<see cref="OperationalDetails"/>): the machine itself or a signed-in admin with a second
/// factor; anyone else gets 404, as if there were nothing here.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly IDisposable _adapter;

    public MetricsEndpoint(IMeterFactory meters)
    {
        Registry = Metrics.NewCustomRegistry();
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            // Both: the factory is where the adapter creates its series (its default is the process-wide registry).
            Registry = Registry,
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            InstrumentFilterPredicate = instrument => (ReferenceEquals(instrument.Meter.Scope, meters) && !PerCallMeters.Contains(instrument.Meter.Name))
                || instrument.Meter.Name == "System.Runtime",
            ResolveHistogramBuckets = instrument => instrument.Meter.Name == PortalMetrics.MeterName && instrument.Name == PortalMetrics.LookupDurationName
                ? PortalMetrics.LookupDurationBuckets
                : MeterAdapterOptions.DefaultHistogramBuckets,
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>
    /// ASP.NET Core meters that record on every request (or every buffer, route match or authentication of one): the
    /// adapter looks up a series and copies the tags for each measurement, which cost a fifth of a release-day form
    /// page's time and as much again of its lookup (bench/RESULTS.md, "whole visit"). Not listened to, their instruments
    /// record nothing. The portal's own <c>lookup.duration</c> covers the release-day path, Kestrel's meters the
    /// connections, and nginx's access log (<c>$request_time</c>) every request (docs/operations.md).
    /// </summary>
    internal static readonly HashSet<string> PerCallMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.MemoryPool", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization",
    ];

    public void Dispose() => _adapter.Dispose();

    internal static async Task ServeAsync(HttpContext context)
    {
        if (!await OperationalDetails.AllowedAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var endpoint = context.RequestServices.GetRequiredService<MetricsEndpoint>();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await endpoint.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}

public static class MetricsExtensions
{
    public static WebApplicationBuilder AddPortalMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<PortalMetrics>();
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            .Validate(o => o.Path.StartsWith('/') && o.Path.Length > 1, "Metrics:Path must be an absolute path such as /metrics.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication MapPortalMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled) return app;
        // Created now, so the meters are listened to from the first request rather than from the first scrape.
        app.Services.GetRequiredService<MetricsEndpoint>();
        app.MapGet(options.Path, MetricsEndpoint.ServeAsync).AllowAnonymous().DisableHttpMetrics();
        return app;
    }
}
