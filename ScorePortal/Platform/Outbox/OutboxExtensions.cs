using ScorePortal.Data;

namespace ScorePortal.Platform.Outbox;

public static class OutboxExtensions
{
    /// <summary>
    /// The transactional outbox and its email handler: enqueue with <see cref="OutboxEnqueueExtensions.EnqueueEmail"/>
    /// inside the transaction of the change that causes the message; the worker delivers it after the commit.
    /// </summary>
    public static WebApplicationBuilder AddOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Outbox:PollInterval must be positive.")
            .Validate(o => o.MaxAttempts >= 1, "Outbox:MaxAttempts must be at least 1.")
            .Validate(o => o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff,
                "Outbox:InitialBackoff must be positive and Outbox:MaxBackoff at least as long.")
            .Validate(o => o.BatchSize >= 1, "Outbox:BatchSize must be at least 1.")
            .Validate(o => o.JitterRatio is >= 0 and < 1, "Outbox:JitterRatio must be at least 0 and less than 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<OutboxOptions>()
            .Validate<Microsoft.Extensions.Options.IOptions<SmtpOptions>>(
                (outbox, smtp) => outbox.LeaseDuration > smtp.Value.Timeout * 3,
                "Outbox:LeaseDuration must exceed three times Smtp:Timeout (connect, authenticate, send), or a slow send could be taken over and sent twice.");

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxInterceptor>();
        // Every context of the portal stamps and signals enqueued messages, whichever provider is configured.
        builder.Services.ConfigureDbContext<SqliteScorePortalDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<OutboxInterceptor>()));
        builder.Services.ConfigureDbContext<SqlServerScorePortalDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<OutboxInterceptor>()));

        builder.Services.AddSingleton<EmailOutboxHandler>();
        builder.Services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<EmailOutboxHandler>());
        builder.Services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<EmailOutboxHandler>());

        // One instance, also resolvable by type (tests await its passes).
        builder.Services.AddSingleton<OutboxWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        return builder;
    }
}
