using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Security;

namespace ScorePortal.Platform.Outbox;

/// <summary>
/// A side effect (an email today; SMS and webhooks later) written in the same transaction as the change that causes
/// it and delivered afterwards by the outbox worker. Add one with
/// <see cref="OutboxEnqueueExtensions.EnqueueEmail"/> or <see cref="OutboxEnqueueExtensions.Enqueue"/>; the caller's own
/// SaveChanges commits it.
/// </summary>
public sealed class OutboxMessage : RowBound
{
    public long Id { get; set; }

    /// <summary>Which handler delivers it, e.g. <see cref="OutboxKinds.Email"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>
    /// The handler's input as JSON. It holds addresses, names and one-time codes, so it is encrypted at rest, in a
    /// column without a length limit because a mail body is longer than the 1,024 characters of other encrypted columns.
    /// </summary>
    [Encrypted(Unbounded = true)]
    public string Payload { get; set; } = "";

    /// <summary>When the message was saved (stamped by the outbox interceptor from the portal's clock).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Delivery attempts started so far; counted when a worker claims the message, so a crash counts too.</summary>
    public int AttemptCount { get; set; }

    /// <summary>Not before this time (backoff after a failed attempt); stamped at save for a new message.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>
    /// The claim of one worker (one instance, one poll): set by a conditional update, so two workers never hold the
    /// same message. It lapses at <see cref="LeasedUntil"/>, which lets another worker retry after a crash.
    /// </summary>
    public Guid? LeaseId { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when the last allowed attempt failed: the message is dead and no worker tries it again.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>Why the last attempt failed: the exception type and an SMTP status, never an address or a body.</summary>
    public string? LastError { get; set; }

    /// <summary>
    /// When the retention job blanked <see cref="Payload"/> of this delivered message (Retention:OutboxPayloads after
    /// delivery): the row's kind and times stay for the dashboard, its content is gone.
    /// </summary>
    public DateTimeOffset? PayloadErasedAt { get; set; }
}

/// <summary>The kinds of outbox message; each has one delivery handler.</summary>
public static class OutboxKinds
{
    public const string Email = "email";

    /// <summary>
    /// The published results changed: a publication, a retraction or a review decision (payload: the results read
    /// model's <c>ResultChanged</c> event). Its handler there hands it to every subscriber of result changes.
    /// </summary>
    public const string ResultChanged = "ResultChanged";
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public const int LastErrorMaxLength = 512;

    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.Property(m => m.Kind).HasMaxLength(32).IsUnicode(false);
        builder.Property(m => m.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(m => m.NextAttemptAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(m => m.LeasedUntil).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(m => m.DeliveredAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(m => m.FailedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(m => m.PayloadErasedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(m => m.LastError).HasMaxLength(LastErrorMaxLength);
        // The worker's question is "pending and due": pending rows are few, delivered ones pile up.
        builder.HasIndex(m => new { m.DeliveredAt, m.FailedAt, m.NextAttemptAt });
        builder.HasIndex(m => m.LeaseId);
    }
}
