using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Reminders;

/// <summary>
/// The reminders of one publication: created once per result event (<see cref="EventId"/>), then expanded page by page
/// into <see cref="ReminderSend"/>s by <see cref="ReminderPageHandler"/>. <see cref="Cursor"/> is the last subscription
/// id expanded, so a restart goes on where it stopped; <see cref="NextSendAt"/> is the next free slot of the sending
/// rate, so the pace survives a restart too.
/// </summary>
public sealed class ReminderRun
{
    public long Id { get; set; }

    /// <summary>The publication's <c>ResultChanged.EventId</c>: a repeated event finds its run and adds nothing.</summary>
    public Guid EventId { get; set; }

    public int ExamSessionId { get; set; }

    public int BatchId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The highest subscription id already expanded (0 before the first page).</summary>
    public long Cursor { get; set; }

    /// <summary>When the next send may start (the rate's next slot; never before the session's release time).</summary>
    public DateTimeOffset NextSendAt { get; set; }

    /// <summary>Sends queued so far.</summary>
    public int Queued { get; set; }

    /// <summary>Set when the last page was expanded.</summary>
    public DateTimeOffset? ExpandedAt { get; set; }

    /// <summary>Set when the batch was retracted: sends not yet made are dropped.</summary>
    public DateTimeOffset? CancelledAt { get; set; }
}

/// <summary>One reminder of one run to one subscription: the primary key is the pair, so nobody is queued twice.</summary>
public sealed class ReminderSend
{
    public long RunId { get; set; }

    public long SubscriptionId { get; set; }

    /// <summary>When the mail was handed to the SMTP server; null while queued, or when it was dropped (unsubscribed).</summary>
    public DateTimeOffset? SentAt { get; set; }
}

internal sealed class ReminderRunConfiguration : IEntityTypeConfiguration<ReminderRun>
{
    public void Configure(EntityTypeBuilder<ReminderRun> builder)
    {
        builder.ToTable("ReminderRuns");
        builder.HasIndex(r => r.EventId).IsUnique();
        builder.HasIndex(r => r.ExamSessionId);
        builder.Property(r => r.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(r => r.NextSendAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(r => r.ExpandedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(r => r.CancelledAt).HasConversion(UnixTime.NullableMilliseconds);
    }
}

internal sealed class ReminderSendConfiguration : IEntityTypeConfiguration<ReminderSend>
{
    public void Configure(EntityTypeBuilder<ReminderSend> builder)
    {
        builder.ToTable("ReminderSends");
        builder.HasKey(s => new { s.RunId, s.SubscriptionId });
        builder.Property(s => s.SentAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasOne<ReminderRun>().WithMany().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReminderSubscription>().WithMany().HasForeignKey(s => s.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
    }
}
