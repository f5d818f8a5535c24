namespace ScorePortal.Platform.Outbox;

/// <summary>How the outbox worker paces and retries deliveries (section "Outbox").</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How often the worker looks for due messages when nothing woke it. A commit that enqueued wakes the worker of
    /// its own instance at once; this interval serves retries and messages enqueued by other instances.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a message is declared dead (<see cref="OutboxMessage.FailedAt"/>).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; it doubles after each further failure, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a claim holds. Longer than any one delivery (the SMTP timeout), so a slow send is never taken over and
    /// sent twice; after a crash, another worker retries once it lapses.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Jitter on every retry wait, of every kind (email, webhook, SMS): a wait is shortened by a random share of up to
    /// this ratio (0.2: 80–100 % of it), so messages that failed together (a mail server down for an hour) do not all
    /// come back in the same second. The cap (<see cref="MaxBackoff"/>, or a kind's own) is never exceeded. 0 turns it off.
    /// </summary>
    public double JitterRatio { get; set; } = 0.2;

    /// <summary>Messages claimed by one worker at a time.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1.</summary>
    public TimeSpan BackoffAfter(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}
