using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>One POST the receiver got: its path, headers and the exact body bytes.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// An enterprise's receiver: a real HTTP listener (Kestrel) on a loopback port, which records every POST and answers
/// each path with the statuses a test queued for it (200 once the queue is empty). Tests use a path of their own.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();

    private WebhookReceiver(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseAddress { get; }

    /// <param name="port">0 for any free port; a given one to bring a receiver up where a closed port was (the fault tests).</param>
    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        // A content root of its own: the portal's appsettings next to the test binaries are none of its business.
        var root = Directory.CreateTempSubdirectory("webhook-receiver").FullName;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = root, EnvironmentName = "Receiver" });
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var path = context.Request.Path.Value ?? "/";
            receiver!._received.Enqueue(new ReceivedWebhook(path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            var status = receiver._answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var next) ? next : 200;
            context.Response.StatusCode = status;
            if (status is >= 300 and < 400) context.Response.Headers.Location = path + "/redirected";
            await context.Response.WriteAsync("{\"received\":true}");
        });
        await app.StartAsync();
        var address = app.Urls.First();
        receiver = new WebhookReceiver(app, new Uri(address));
        return receiver;
    }

    /// <summary>A fresh path on this receiver, as a callback URL.</summary>
    public string NewCallback() => new Uri(BaseAddress, "/hook/" + Guid.NewGuid().ToString("N")).AbsoluteUri;

    /// <summary>Queues the statuses the next POSTs to <paramref name="callback"/> get.</summary>
    public void Answer(string callback, params int[] statuses)
    {
        var queue = _answers.GetOrAdd(new Uri(callback).AbsolutePath, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses) queue.Enqueue(status);
    }

    /// <summary>What was posted to <paramref name="callback"/>'s path, in order.</summary>
    public List<ReceivedWebhook> To(string callback)
    {
        var path = callback.StartsWith('/') ? callback : new Uri(callback).AbsolutePath;
        return _received.Where(r => r.Path == path).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
