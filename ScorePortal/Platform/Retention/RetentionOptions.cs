namespace ScorePortal.Platform.Retention;

/// <summary>
/// Retention (configuration section "Retention"): how long each kind of personal data is kept, and how often the job
/// looks. The defaults are the figures the privacy notice and docs/privacy.md quote; change them together.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How often the job runs (first run a few minutes after start); zero switches it off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows a rule handles per database round trip.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A self-registered account whose email was never confirmed, counted from its creation.</summary>
    public TimeSpan UnconfirmedAccounts { get; set; } = TimeSpan.FromDays(7);

    /// <summary>One-time codes (step-up, record link), counted from their expiry.</summary>
    public TimeSpan OneTimeCodes { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Uploaded review files (the appeal period), counted from the case's closing; the decision and scores stay.</summary>
    public TimeSpan ReviewMaterials { get; set; } = TimeSpan.FromDays(180);

    /// <summary>The content of a delivered outbox message (addresses, mail bodies), counted from delivery; the row's metadata stays.</summary>
    public TimeSpan OutboxPayloads { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Sign-in session rows (browser, masked network), counted from when the session was last seen.</summary>
    public TimeSpan SignInSessions { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Share links (Features/ShareLinks), counted from their expiry or revocation, whichever came first.</summary>
    public TimeSpan ShareLinks { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Null when the settings can be used, else what is wrong.</summary>
    public string? Problem()
    {
        if (Interval < TimeSpan.Zero) return "Retention:Interval must be zero (off) or positive.";
        if (BatchSize is < 1 or > 10_000) return "Retention:BatchSize must be between 1 and 10000.";
        TimeSpan[] periods = [UnconfirmedAccounts, OneTimeCodes, ReviewMaterials, OutboxPayloads, SignInSessions, ShareLinks];
        return periods.Any(p => p < TimeSpan.FromHours(1))
            ? "Retention periods (UnconfirmedAccounts, OneTimeCodes, ReviewMaterials, OutboxPayloads, SignInSessions, ShareLinks) must be at least one hour."
            : null;
    }
}
