using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Features.Alerts;

public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>An anomaly raised by the monitors (e.g. lookup enumeration from one source) for admins to acknowledge.</summary>
public sealed class Alert
{
    public long Id { get; set; }
    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>Monitor that raised it, e.g. "lookup.enumeration".</summary>
    public string Kind { get; set; } = "";

    public AlertSeverity Severity { get; set; }

    /// <summary>What the alert is about, e.g. an IP hash; never plaintext PII.</summary>
    public string SubjectKey { get; set; } = "";

    public string Details { get; set; } = "";
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedByUserId { get; set; }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.Property(a => a.Kind).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(a => a.SubjectKey).HasMaxLength(128);
        builder.Property(a => a.Details).HasMaxLength(2000);
        builder.Property(a => a.AcknowledgedByUserId).HasMaxLength(450);
        builder.HasIndex(a => a.RaisedAt);
        builder.HasIndex(a => new { a.Kind, a.SubjectKey });
    }
}
