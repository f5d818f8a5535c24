namespace ScorePortal.Platform.Outbox;

/// <summary>
/// How often and how long the worker retries the messages of one kind: attempts up to <see cref="MaxAttempts"/>, the
/// wait after each failure doubling from <see cref="InitialBackoff"/> up to <see cref="MaxBackoff"/>. A handler that
/// needs other pacing than the portal's default (<see cref="OutboxOptions"/>) declares it in
/// <see cref="IOutboxHandler.RetryPolicy"/>.
/// </summary>
public sealed record OutboxRetryPolicy
{
    public OutboxRetryPolicy(int maxAttempts, TimeSpan initialBackoff, TimeSpan maxBackoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        if (initialBackoff <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initialBackoff), "The first wait must be positive.");
        if (maxBackoff < initialBackoff) throw new ArgumentOutOfRangeException(nameof(maxBackoff), "The longest wait cannot be shorter than the first.");
        MaxAttempts = maxAttempts;
        InitialBackoff = initialBackoff;
        MaxBackoff = maxBackoff;
    }

    /// <summary>Attempts before a message is dead.</summary>
    public int MaxAttempts { get; }

    public TimeSpan InitialBackoff { get; }

    public TimeSpan MaxBackoff { get; }

    /// <summary>The portal's default, from the "Outbox" section.</summary>
    public static OutboxRetryPolicy From(OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.MaxAttempts, options.InitialBackoff, options.MaxBackoff);
    }

    /// <summary>
    /// Doubling waits from <paramref name="initialBackoff"/> (capped at <paramref name="maxBackoff"/>), with as many
    /// attempts as it takes for the waits to add up to <paramref name="period"/>: the last attempt comes once the
    /// period has passed since the first.
    /// </summary>
    public static OutboxRetryPolicy Over(TimeSpan period, TimeSpan initialBackoff, TimeSpan maxBackoff)
    {
        var probe = new OutboxRetryPolicy(1, initialBackoff, maxBackoff);
        var attempts = 1;
        var waited = TimeSpan.Zero;
        while (waited < period && attempts < 10_000)
        {
            waited += probe.BackoffAfter(attempts);
            attempts++;
        }
        return new(attempts, initialBackoff, maxBackoff);
    }

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1.</summary>
    public TimeSpan BackoffAfter(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The time from the first attempt to the last, if every attempt fails at once.</summary>
    public TimeSpan Span
    {
        get
        {
            var total = TimeSpan.Zero;
            for (var i = 1; i < MaxAttempts; i++) total += BackoffAfter(i);
            return total;
        }
    }
}
