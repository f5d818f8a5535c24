using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>The payload of a <see cref="WebhookDeliveryHandler.Kind"/> outbox message: which delivery (by its unique pair).</summary>
/// <param name="Manual">A re-send asked for by a person; its attempts are marked so in the log.</param>
public sealed record WebhookNotice(Guid EventId, int ConsentId, bool Manual = false);

/// <summary>
/// Sends one notice (a <see cref="WebhookDelivery"/>) per attempt, with its own retry policy: doubling waits from
/// <see cref="WebhookOptions.InitialBackoff"/> up to <see cref="WebhookOptions.MaxBackoff"/>, for
/// <see cref="WebhookOptions.RetryFor"/> (24 h). Before every attempt it checks again that the consent is active, the
/// enterprise not suspended and its callback and secret set; otherwise the delivery is <c>Stopped</c> and nothing is
/// sent. Every POST is logged as a <see cref="WebhookAttempt"/>; 2xx delivers, 410 Gone stops, anything else (a
/// timeout, a refused address, another status) is retried until the last attempt, which marks it <c>Failed</c>.
/// A test notice is tried once.
/// </summary>
public sealed class WebhookDeliveryHandler : IOutboxHandler
{
    public const string Kind = "webhook";
    public const string HttpClientName = "ScorePortal.Webhooks";

    private readonly IDbContextFactory<ScorePortalDbContext> _dbFactory;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryHandler> _logger;
    private readonly bool _allowLoopbackHttp;

    public WebhookDeliveryHandler(IDbContextFactory<ScorePortalDbContext> dbFactory, IHttpClientFactory http, TimeProvider time,
        IOptions<WebhookOptions> options, ILogger<WebhookDeliveryHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dbFactory = dbFactory;
        _http = http;
        _time = time;
        _logger = logger;
        var o = options.Value;
        _allowLoopbackHttp = o.AllowLoopbackHttpForTests;
        RetryPolicy = OutboxRetryPolicy.Over(o.RetryFor, o.InitialBackoff, o.MaxBackoff);
    }

    string IOutboxHandler.Kind => Kind;

    public OutboxRetryPolicy RetryPolicy { get; }

    /// <summary>A delivery's idempotency key: 128 random bits, hex; sent with every attempt and re-send of it.</summary>
    public static string NewIdempotencyKey() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        WebhookNotice notice;
        try
        {
            notice = JsonSerializer.Deserialize<WebhookNotice>(message.Payload, JsonSerializerOptions.Web)
                     ?? throw new PermanentDeliveryException("Empty webhook payload.");
        }
        catch (JsonException ex)
        {
            throw new PermanentDeliveryException("Unreadable webhook payload.", ex);
        }

        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.EventId == notice.EventId && d.ConsentId == notice.ConsentId, cancellationToken)
                       ?? throw new PermanentDeliveryException("Unknown webhook delivery.");
        // Delivered, stopped or failed already (a repeated message, or an automatic one overtaken by a re-send).
        if (delivery.Status != WebhookDeliveryStatus.Pending) return;

        var now = _time.GetUtcNow();
        var enterprise = await db.Enterprises.AsNoTracking().SingleOrDefaultAsync(e => e.Id == delivery.EnterpriseId, cancellationToken);
        var stop = await StopReasonAsync(db, delivery, enterprise, now, cancellationToken);
        if (stop is not null)
        {
            delivery.Status = WebhookDeliveryStatus.Stopped;
            delivery.LastError = stop;
            await db.SaveChangesAsync(CancellationToken.None);
            _logger.LogInformation("Webhook delivery {DeliveryId} stopped before sending: {Reason}", delivery.Id, stop);
            return;
        }

        var (status, error, elapsed) = await PostAsync(delivery, enterprise!, now, cancellationToken);
        var isTest = delivery.Event == WebhookEvents.Test;
        var last = isTest || message.AttemptCount >= RetryPolicy.MaxAttempts;
        delivery.AttemptLog.Add(new WebhookAttempt
        {
            At = now, StatusCode = status, Error = error, DurationMs = (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds), Manual = notice.Manual,
        });
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastStatusCode = status;
        delivery.LastError = error;
        if (status is >= 200 and < 300)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
        }
        else if (status == 410)
        {
            delivery.Status = WebhookDeliveryStatus.Stopped;
        }
        else if (last)
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
        }
        // Not cancellable: the receiver has seen the attempt, and the log must say so.
        await db.SaveChangesAsync(CancellationToken.None);

        if (delivery.Status is WebhookDeliveryStatus.Pending or WebhookDeliveryStatus.Failed)
        {
            var reason = error ?? $"HTTP {status}";
            if (isTest) throw new PermanentDeliveryException("Webhook test notice not accepted: " + reason);
            throw new WebhookNotAcceptedException(reason);
        }
    }

    /// <summary>Why the notice must not be sent (now or ever), in words safe to show the enterprise; null: send it.</summary>
    private static async Task<string?> StopReasonAsync(ScorePortalDbContext db, WebhookDelivery delivery, Enterprise? enterprise,
        DateTimeOffset now, CancellationToken ct)
    {
        if (delivery.Event != WebhookEvents.Test)
        {
            var consent = await db.Consents.AsNoTracking().Where(c => c.Id == delivery.ConsentId)
                .Select(c => new { c.RevokedAt, c.ClosedAt, c.ExpiresAt, c.EnterpriseId }).FirstOrDefaultAsync(ct);
            if (consent is null || consent.EnterpriseId != delivery.EnterpriseId) return "Consent not found";
            if (consent.RevokedAt is not null) return "Consent revoked";
            if (now >= consent.ExpiresAt) return "Consent expired";
            if (consent.ClosedAt is not null) return "Consent closed";
        }
        if (enterprise is null) return "Enterprise not found";
        if (enterprise.IsSuspended) return "Enterprise suspended";
        if (string.IsNullOrEmpty(enterprise.WebhookUrl)) return "No callback URL";
        if (string.IsNullOrEmpty(enterprise.WebhookSecret)) return "No signing secret";
        return null;
    }

    private async Task<(int? Status, string? Error, TimeSpan Elapsed)> PostAsync(WebhookDelivery delivery, Enterprise enterprise,
        DateTimeOffset now, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (!Uri.TryCreate(enterprise.WebhookUrl, UriKind.Absolute, out var url)
            || !(url.Scheme == Uri.UriSchemeHttps || (_allowLoopbackHttp && url.Scheme == Uri.UriSchemeHttp)))
            return (null, "Only HTTPS callbacks are allowed.", Stopwatch.GetElapsedTime(started));

        var body = WebhookSignature.Body(delivery.Event, delivery.EmployeeId, delivery.OccurredAt, delivery.IdempotencyKey);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Header(enterprise.WebhookSecret!, timestamp, body));
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyHeader, delivery.IdempotencyKey);
        request.Headers.UserAgent.ParseAdd(WebhookSignature.UserAgent);
        try
        {
            var client = _http.CreateClient(HttpClientName);
            // Headers only: the receiver's body is never read (nor buffered), whatever its size.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and < 300 ? null : Describe(status), Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or WebhookAddressRefusedException && !ct.IsCancellationRequested)
        {
            return (null, Describe(ex), Stopwatch.GetElapsedTime(started));
        }
    }

    private static string Describe(int status) => status switch
    {
        410 => "HTTP 410 Gone: the receiver asked for no more notices",
        >= 300 and < 400 => $"HTTP {status}: redirects are not followed",
        _ => $"HTTP {status}",
    };

    /// <summary>A short reason safe to store and show: never the receiver's text, the portal's addresses or a stack trace.</summary>
    internal static string Describe(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case WebhookAddressRefusedException refused: return refused.Message;
                case AuthenticationException: return "TLS handshake failed (certificate not trusted or protocol not supported)";
                case SocketException socket: return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "Connection refused",
                    SocketError.TimedOut => "Connection timed out",
                    SocketError.HostUnreachable or SocketError.NetworkUnreachable => "Host unreachable",
                    SocketError.ConnectionReset => "Connection reset",
                    _ => "Connection failed",
                };
                case TimeoutException: return "Timed out";
            }
        }
        return ex switch
        {
            TaskCanceledException => "Timed out",
            HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "The host does not resolve.",
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS handshake failed",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse } => "Invalid or incomplete response",
            _ => "Connection failed",
        };
    }
}

/// <summary>The receiver did not accept a notice (its reason is safe to store); the outbox retries it.</summary>
public sealed class WebhookNotAcceptedException(string safeReason) : Exception(safeReason);
