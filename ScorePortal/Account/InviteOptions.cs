namespace ScorePortal.Account;

/// <summary>Invitations to accounts an admin creates (section "Account:Invite").</summary>
public sealed class InviteOptions
{
    public const string Section = "Account:Invite";

    /// <summary>How long an invitation link works (at least one hour, at most 30 days); the email says so in whole hours.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(72);
}
