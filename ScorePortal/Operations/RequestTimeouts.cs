using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

/// <summary>How long a request may run before it is cut (section "RequestTimeouts"; docs/operations.md).</summary>
public sealed class RequestTimeoutSettings
{
    public const string Section = "RequestTimeouts";

    /// <summary>Every request without a policy of its own: pages, the enterprise API, downloads.</summary>
    public TimeSpan Page { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The lookup form posts (the release-day hot path): a lookup is one indexed query.</summary>
    public TimeSpan Lookup { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Uploads (review files) and large exports (audit log, analytics): a slow connection moving megabytes.</summary>
    public TimeSpan Upload { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Paths no timeout applies to: Blazor's circuit (a WebSocket, or SignalR's long polling, open as long as the page
    /// is). Imports and publications run in the circuit, so they are bound by their own work, not by a request.
    /// </summary>
    public string[] ExcludedPaths { get; set; } = ["/_blazor"];

    internal bool IsValid() => Page > TimeSpan.Zero && Lookup > TimeSpan.Zero && Upload > TimeSpan.Zero;
}

/// <summary>
/// Every request has a timeout (ASP.NET Core's request timeouts): when it passes, the request's cancellation token
/// (<c>HttpContext.RequestAborted</c>, which database commands take) is cancelled, the work stops, and the visitor gets the
/// localized 504 page (status pages, "try again") — never a hanging request nor a stack trace; a machine client gets
/// ProblemDetails. Endpoints name their policy with <c>.WithRequestTimeout(RequestTimeouts.Lookup)</c>.
/// </summary>
public static class RequestTimeouts
{
    /// <summary>The lookup form posts' policy (<see cref="RequestTimeoutSettings.Lookup"/>).</summary>
    public const string Lookup = "lookup";

    /// <summary>Upload and export endpoints' policy (<see cref="RequestTimeoutSettings.Upload"/>).</summary>
    public const string Upload = "upload";

    public static WebApplicationBuilder AddPortalRequestTimeouts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestTimeoutSettings>().BindConfiguration(RequestTimeoutSettings.Section)
            .Validate(s => s.IsValid(), "RequestTimeouts:Page, Lookup and Upload must be positive.")
            .ValidateOnStart();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<RequestTimeoutSettings>>((options, settings) =>
        {
            var s = settings.Value;
            options.DefaultPolicy = Policy(s.Page);
            options.AddPolicy(Lookup, Policy(s.Lookup));
            options.AddPolicy(Upload, Policy(s.Upload));
        });
        return builder;
    }

    // No body of its own: the status pages (UseOperations) re-execute the 504 into the localized page.
    private static RequestTimeoutPolicy Policy(TimeSpan timeout) => new() { Timeout = timeout, TimeoutStatusCode = StatusCodes.Status504GatewayTimeout };

    /// <summary>After the status pages, so a cut request is answered with the localized page.</summary>
    public static WebApplication UsePortalRequestTimeouts(this WebApplication app)
    {
        var excluded = app.Services.GetRequiredService<IOptions<RequestTimeoutSettings>>().Value.ExcludedPaths;
        app.UseWhen(context => !IsExcluded(context, excluded), branch => branch.UseRequestTimeouts());
        return app;
    }

    private static bool IsExcluded(HttpContext context, string[] excluded)
    {
        if (context.WebSockets.IsWebSocketRequest) return true;
        foreach (var path in excluded)
        {
            if (context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
