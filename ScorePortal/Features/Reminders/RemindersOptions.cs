namespace ScorePortal.Features.Reminders;

/// <summary>Release reminders (section "Reminders"; docs/reminders.md).</summary>
public sealed class RemindersOptions
{
    public const string Section = "Reminders";

    /// <summary>
    /// Reminder mails handed to the SMTP server per second, over all instances (the run keeps the schedule). Above the
    /// outbox's own throughput, mail of other kinds (sign-in codes) would wait behind reminders.
    /// </summary>
    public double SendsPerSecond { get; set; } = 20;

    /// <summary>Subscriptions read and queued per expansion step (one transaction, one page in memory).</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>How long a confirmation link works after its mail.</summary>
    public TimeSpan ConfirmationLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A repeated subscription sends another confirmation mail only when the last one is older than this.</summary>
    public TimeSpan ConfirmationSpacing { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Confirmation mails one address may be sent per day, whatever the session (0 = no limit).</summary>
    public int ConfirmationsPerAddressPerDay { get; set; } = 3;

    /// <summary>Subscriptions one client address may ask for per day (0 = no limit); per minute, PublicForms:ReminderSubscriptionsPerAddressPerMinute.</summary>
    public int SubscriptionsPerSourcePerDay { get; set; } = 30;
}
