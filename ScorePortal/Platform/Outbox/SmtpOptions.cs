using System.ComponentModel.DataAnnotations;

namespace ScorePortal.Platform.Outbox;

public enum SmtpSecurity
{
    /// <summary>Plain SMTP: a local development server or a relay on a trusted network only.</summary>
    None = 0,

    /// <summary>Connect in plain text, then require STARTTLS (usually port 587).</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect = 2,
}

/// <summary>The SMTP server every email leaves through (section "Smtp"), validated at start.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Empty: the server takes mail without authentication.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address of every email.</summary>
    public string From { get; set; } = "";

    /// <summary>The sender's display name, e.g. the portal's name.</summary>
    public string? FromName { get; set; }

    /// <summary>Connect, authenticate and send must each finish within this; shorter than the outbox lease.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Host))
            yield return new("Smtp:Host is required: the SMTP server every email leaves through (Development: localhost, see README).");
        if (Port is < 1 or > 65535)
            yield return new("Smtp:Port must be between 1 and 65535.");
        if (!Enum.IsDefined(Security))
            yield return new("Smtp:Security must be None, StartTls or SslOnConnect.");
        if (string.IsNullOrWhiteSpace(From) || !MimeKit.MailboxAddress.TryParse(From, out var from) || from.Address != From.Trim())
            yield return new("Smtp:From must be one email address, the sender of every email.");
        if (!string.IsNullOrEmpty(UserName) && Password is null)
            yield return new("Smtp:Password is required when Smtp:UserName is set.");
        if (Timeout <= TimeSpan.Zero)
            yield return new("Smtp:Timeout must be positive.");
    }
}
