using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Notices.Sms;

/// <summary>
/// The generic HTTP gateway adapter (<c>Sms:Adapter=Http</c>): POSTs <c>{"to","text","id"}</c> as JSON to
/// <see cref="SmsHttpOptions.Url"/> with <c>Authorization: Bearer</c> <see cref="SmsHttpOptions.Token"/> and the outbox id
/// as <c>Idempotency-Key</c> too (the same on every attempt, for the gateway's deduplication). A 2xx answer is delivered;
/// anything else — a refused connection, a timeout, a 5xx, a 401 after a token change — throws, and the outbox keeps the
/// message and retries it with backoff. Only 400 and 422 (the gateway refuses this message itself: a number it cannot
/// reach) are permanent. Neither the number nor the text is ever logged (docs/sms.md).
/// </summary>
public sealed class HttpSmsSender(IHttpClientFactory clients, IOptions<SmsOptions> options, ILogger<HttpSmsSender> logger) : ISmsSender
{
    public const string HttpClientName = "sms-gateway";

    public string Name => nameof(SmsAdapter.Http);

    /// <summary>The body the gateway receives.</summary>
    public sealed record Request(string To, string Text, string Id);

    public async Task SendAsync(SmsMessage message, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var gateway = options.Value.Http;
        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url)
        {
            Content = JsonContent.Create(new Request(message.To, message.Body, messageId), options: SmsOutbox.Json),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.Token);
        request.Headers.Add("Idempotency-Key", messageId);
        var client = clients.CreateClient(HttpClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            logger.LogInformation("SMS {MessageId} accepted by the HTTP gateway ({Status}).", messageId, status);
            return;
        }
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity)
            throw new PermanentDeliveryException($"SMS gateway refused the message: HTTP {status}");
        // The status only: a gateway's error body may repeat the number.
        throw new HttpRequestException($"HTTP {status}", null, response.StatusCode);
    }
}
