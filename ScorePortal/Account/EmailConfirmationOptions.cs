namespace ScorePortal.Account;

/// <summary>Account email confirmation (section "Account:EmailConfirmation").</summary>
public sealed class EmailConfirmationOptions
{
    public const string Section = "Account:EmailConfirmation";

    /// <summary>How long a confirmation link works; the email says so (in whole hours).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The portal's public address for links in emails, e.g. <c>https://score.example.cn/</c>: the one public-address
    /// setting <c>Portal:PublicBaseUrl</c> (also printed in report QR codes, required in Production), never bound from
    /// this section. Unset (Development): the address of the request.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Confirmation emails one address may be sent per hour through the resend form (0 = no limit).</summary>
    public int PerAddressPerHour { get; set; } = 3;

    /// <summary>Resend requests one client address may make per hour (0 = no limit).</summary>
    public int PerSourcePerHour { get; set; } = 20;
}
