using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// The in-process test server has no sockets, so a request has no peer address of its own. A test names one with the
/// <see cref="Header"/> request header (e.g. the reverse proxy's address, or a client's); this filter runs before the
/// whole portal pipeline, forwarded-header handling included, and makes it the connection's remote address, exactly
/// what Kestrel would report. Requests without the header are left alone (no peer address, as before).
/// </summary>
public sealed class TestPeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var peer))
            {
                context.Connection.RemoteIpAddress = peer;
                context.Request.Headers.Remove(Header);
            }
            return nextMiddleware(context);
        });
        next(app);
    };
}
