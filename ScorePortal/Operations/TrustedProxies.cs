using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

/// <summary>
/// Which reverse proxies the portal believes (configuration section <c>ForwardedHeaders</c>). Only a request whose socket
/// peer is one of these may say, with <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>, who the
/// client is, that it came over HTTPS and which host it asked for. Empty (the default) trusts nobody: the headers are
/// ignored and the socket address is the client. This is the one place the portal's proxy trust is configured; the
/// production set-up (nginx), scale-out and the enterprise allow-list all read the client address it produces.
/// <code>
/// "ForwardedHeaders": { "KnownProxies": [ "10.0.0.5" ], "KnownNetworks": [ "10.0.0.0/24", "fd00::/64" ], "ForwardLimit": 1 }
/// </code>
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the portal, e.g. <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies live in, in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies in a row the portal walks back through (the last entries of X-Forwarded-For), each of which must
    /// itself be trusted; 1 for a single nginx. Raise it only for a chain such as a load balancer in front of nginx.
    /// </summary>
    public int ForwardLimit { get; set; } = 1;

    public bool TrustsAnyone => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    internal static bool AreValid(TrustedProxyOptions o) =>
        o.ForwardLimit >= 1
        && o.KnownProxies.All(p => IPAddress.TryParse(p, out _))
        && o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _));
}

public static class TrustedProxies
{
    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section)
            .Validate(TrustedProxyOptions.AreValid,
                "ForwardedHeaders:KnownProxies must list IP addresses, ForwardedHeaders:KnownNetworks CIDR networks (10.0.0.0/24), " +
                "and ForwardedHeaders:ForwardLimit must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var o = trusted.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.ForwardLimit = o.ForwardLimit;
            // The framework trusts loopback by default; here only what is configured counts.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in o.KnownProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in o.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return builder;
    }

    /// <summary>
    /// First in the pipeline, so that HTTPS redirection and HSTS, secure cookies, antiforgery, the address block, the rate
    /// limits and the audit all see the real client. Without configured proxies the middleware is not added at all: the
    /// framework believes a peer without an address (a Unix socket) whatever its list says, and with nothing configured
    /// nobody may be believed.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.TrustsAnyone) app.UseForwardedHeaders();
        return app;
    }
}
