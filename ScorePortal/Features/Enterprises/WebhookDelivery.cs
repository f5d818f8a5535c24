using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises;

/// <summary>The state of one webhook notice.</summary>
public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Every attempt of the retry period failed.</summary>
    Failed,

    /// <summary>Not sent: the consent was revoked or expired, or the enterprise suspended or without a callback.</summary>
    Stopped,
}

/// <summary>
/// One thin notice to one enterprise about one consenting employee's result change (employee id, event, time; no
/// scores). Unique per (result event, consent), so a repeated result event never notifies twice; its
/// <see cref="IdempotencyKey"/> is sent with every attempt and every re-send.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }

    public int EnterpriseId { get; set; }
    public int ConsentId { get; set; }

    /// <summary>The result event (<c>ResultChanged.EventId</c>) it tells of.</summary>
    public Guid EventId { get; set; }

    /// <summary><c>result.published</c>, <c>result.changed</c>, <c>result.superseded</c> or <c>result.retracted</c>.</summary>
    public string Event { get; set; } = "";

    public string EmployeeId { get; set; } = "";

    public string IdempotencyKey { get; set; } = "";

    /// <summary>When the change happened (the time in the notice).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }

    /// <summary>Why the last attempt failed, in words safe to show the enterprise (no addresses of the portal's network).</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public List<WebhookAttempt> AttemptLog { get; } = [];
}

/// <summary>One POST of a webhook notice and what came back.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long WebhookDeliveryId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public int DurationMs { get; set; }

    /// <summary>The attempt was a re-send asked for by a person (who: the audit log).</summary>
    public bool Manual { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.Event).HasMaxLength(32).IsUnicode(false);
        builder.Property(d => d.EmployeeId).HasMaxLength(Consent.EmployeeIdMaxLength);
        builder.Property(d => d.IdempotencyKey).HasMaxLength(64).IsUnicode(false);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(d => d.LastError).HasMaxLength(256);
        builder.Property(d => d.OccurredAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(d => d.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(d => d.LastAttemptAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(d => d.DeliveredAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(d => new { d.EventId, d.ConsentId }).IsUnique();
        builder.HasIndex(d => new { d.EnterpriseId, d.CreatedAt });
        builder.HasMany(d => d.AttemptLog).WithOne().HasForeignKey(a => a.WebhookDeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.Property(a => a.Error).HasMaxLength(256);
        builder.Property(a => a.At).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(a => a.WebhookDeliveryId);
    }
}
