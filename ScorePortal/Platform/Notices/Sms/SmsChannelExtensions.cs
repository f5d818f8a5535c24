using Microsoft.Extensions.Options;
using ScorePortal.Operations;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Notices.Sms;

public static class SmsChannelExtensions
{
    internal const string OffMessage = "SMS off: no SMS adapter configured (Sms:Adapter); /api/sms/inbound answers 404 and nothing is sent.";

    /// <summary>
    /// The SMS channel: <see cref="SmsOptions"/>, and when <c>Sms:Adapter</c> names one, its <see cref="ISmsSender"/> and
    /// the outbox handler that hands it every message. The Http adapter exists in every environment (Production checks its
    /// address and token at start). The Folder adapter exists in Development and Testing only: elsewhere
    /// it is never registered, and the options (or, in Production, the start-up checks) refuse to start with it.
    /// </summary>
    public static WebApplicationBuilder AddSmsChannel(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopmentOrTesting();
        builder.Services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section)
            .Validate(SmsOptions.IsValid,
                $"Sms: Adapter must be Off, Folder or Http; CallbackSecret at least {SmsOptions.MinSecretLength} characters when SMS is on; " +
                "CallbackWindow between 30 seconds and 15 minutes; PerNumberPerDay and DailyCap at least 1; Folder not empty; " +
                $"with Adapter=Http, Sms:Http:Url an absolute http(s) address, Sms:Http:Token at least {SmsHttpOptions.MinTokenLength} " +
                "characters without spaces and Sms:Http:Timeout between 1 second and 1 minute.")
            // Production says so in its start-up checks (with every other reason at once); any other environment here.
            .Validate<IHostEnvironment>((o, env) => o.Adapter != SmsAdapter.Folder || env.IsDevelopmentOrTesting() || env.IsProduction(),
                "Sms:Adapter=Folder is the development adapter: Development and Testing only.")
            .ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>()
            .Validate<IOptions<SmsOptions>>((outbox, sms) => sms.Value.Adapter != SmsAdapter.Http || outbox.LeaseDuration > sms.Value.Http.Timeout * 2,
                "Outbox:LeaseDuration must exceed twice Sms:Http:Timeout, or a slow SMS could be taken over and sent twice.");
        builder.Services.AddHealthChecks().AddCheck<SmsHealthCheck>("sms");
        builder.Services.AddHostedService<SmsStartupLog>();
        var adapter = builder.Configuration.ReadWhileBuilding<SmsOptions>(SmsOptions.Section).Adapter;

        if (adapter == SmsAdapter.Http)
        {
            builder.Services.AddHttpClient(HttpSmsSender.HttpClientName, (sp, client) =>
                {
                    client.Timeout = sp.GetRequiredService<IOptions<SmsOptions>>().Value.Http.Timeout;
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                })
                // The client's own logging writes the request URL, which may carry the gateway's account.
                .RemoveAllLoggers();
            builder.Services.AddSingleton<ISmsSender, HttpSmsSender>();
            builder.Services.AddSingleton<IOutboxHandler, SmsOutboxHandler>();
        }

        if (!development) return builder;
        builder.Services.AddSingleton<SmsFolder>();
        if (adapter == SmsAdapter.Folder)
        {
            builder.Services.AddSingleton<ISmsSender, FolderSmsSender>();
            builder.Services.AddSingleton<IOutboxHandler, SmsOutboxHandler>();
        }
        return builder;
    }

    /// <summary>The sender of SMS when SMS is on, else null.</summary>
    public static ISmsSender? SmsSender(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<SmsOptions>>().Value.Enabled ? services.GetServices<ISmsSender>().FirstOrDefault() : null;
}
