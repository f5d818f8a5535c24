using ScorePortal.Features.Results;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Reminders;

public static class RemindersExtensions
{
    /// <summary>Release reminders (docs/reminders.md): subscriptions, the publication hook, the expansion and the sends.</summary>
    public static WebApplicationBuilder AddReminders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RemindersOptions>().BindConfiguration(RemindersOptions.Section)
            .Validate(o => o.SendsPerSecond is > 0 and <= 10_000, "Reminders:SendsPerSecond must be above 0 and at most 10000.")
            .Validate(o => o.PageSize is >= 1 and <= 10_000, "Reminders:PageSize must be 1-10000.")
            .Validate(o => o.ConfirmationLinkLifetime > TimeSpan.Zero && o.ConfirmationSpacing >= TimeSpan.Zero,
                "Reminders:ConfirmationLinkLifetime must be positive and Reminders:ConfirmationSpacing not negative.")
            .Validate(o => o.ConfirmationsPerAddressPerDay >= 0 && o.SubscriptionsPerSourcePerDay >= 0, "Reminders limits cannot be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ReminderLinks>();
        builder.Services.AddSingleton<SubscribeToReminder>();
        builder.Services.AddSingleton<SubscribeSignedIn>();
        builder.Services.AddSingleton<ConfirmReminder>();
        builder.Services.AddSingleton<UnsubscribeReminder>();
        builder.Services.AddSingleton<ReminderPageHandler>();
        builder.Services.AddSingleton<IResultChangedSubscriber, ReleaseReminders>();
        builder.Services.AddSingleton<IOutboxHandler>(sp => sp.GetRequiredService<ReminderPageHandler>());
        builder.Services.AddSingleton<IOutboxHandler, ReminderMailHandler>();
        return builder;
    }
}
