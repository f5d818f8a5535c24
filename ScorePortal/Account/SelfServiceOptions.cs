namespace ScorePortal.Account;

/// <summary>What a person does with their own account: a forgotten password, a new email address (section "Account:SelfService").</summary>
public sealed class SelfServiceOptions
{
    public const string Section = "Account:SelfService";

    /// <summary>How long a password-reset link works (5 minutes to 24 hours); it works once.</summary>
    public TimeSpan PasswordResetLinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Reset emails one account may be sent per hour; further requests get the same answer and no mail.</summary>
    public int PasswordResetsPerAccountPerHour { get; set; } = 3;

    /// <summary>How long the link that confirms a new email address works (one hour to 7 days; the email says it in whole hours).</summary>
    public TimeSpan EmailChangeLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Email-change requests one account may make per hour.</summary>
    public int EmailChangesPerAccountPerHour { get; set; } = 3;
}
