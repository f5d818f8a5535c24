using System.Net;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Results;
using ScorePortal.Operations;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Enterprises.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>
    /// Result-change notices to enterprises: the subscriber that queues them, the outbox handler that sends them (its own
    /// retry policy), the SSRF-safe HTTP client, the settings use cases and the delivery log. docs/webhooks.md.
    /// </summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var testing = builder.Environment.IsEnvironment(SharedDevelopmentSettings.TestingEnvironment);
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => testing || !o.AllowLoopbackHttpForTests,
                "Enterprises:Webhooks:AllowLoopbackHttpForTests is honoured only in the Testing environment; remove it from this environment's configuration.")
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero && o.Timeout >= o.ConnectTimeout,
                "Enterprises:Webhooks:ConnectTimeout must be positive and Enterprises:Webhooks:Timeout at least as long.")
            .Validate(o => o.RetryFor > TimeSpan.Zero && o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff,
                "Enterprises:Webhooks:RetryFor and InitialBackoff must be positive, and MaxBackoff at least InitialBackoff.")
            .Validate(o => o.TestNoticeInterval >= TimeSpan.Zero, "Enterprises:Webhooks:TestNoticeInterval cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>()
            .Validate<IOptions<WebhookOptions>>((outbox, webhooks) => outbox.LeaseDuration > webhooks.Value.Timeout * 2,
                "Outbox:LeaseDuration must exceed twice Enterprises:Webhooks:Timeout, or a slow notice could be taken over and sent twice.");

        builder.Services.AddSingleton<IWebhookHostResolver, DnsWebhookHostResolver>();
        builder.Services.AddSingleton<WebhookConnector>();
        builder.Services.AddSingleton<WebhookUrls>();
        builder.Services.AddHttpClient(WebhookDeliveryHandler.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Every connection goes through the connector, which resolves, checks and connects to the checked address.
                ConnectCallback = sp.GetRequiredService<WebhookConnector>().ConnectAsync,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.ConnectTimeout,
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxResponseHeadersLength = 16,
                MaxResponseDrainSize = 0,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            })
            // The client's own logging writes the request URL, and a callback URL may carry the receiver's token.
            .RemoveAllLoggers();

        builder.Services.AddSingleton<IResultChangedSubscriber, ResultChangedWebhooks>();
        builder.Services.AddSingleton<IOutboxHandler, WebhookDeliveryHandler>();
        builder.Services.AddSingleton<SaveWebhookUrl>();
        builder.Services.AddSingleton<RotateWebhookSecret>();
        builder.Services.AddSingleton<SendTestNotice>();
        builder.Services.AddSingleton<ResendWebhookDelivery>();
        return builder;
    }
}
