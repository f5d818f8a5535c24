using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Reminders;

/// <summary>Where a subscription stands: waiting for its confirmation link, reminded when results come, or ended.</summary>
public enum ReminderStatus
{
    Pending = 0,
    Confirmed = 1,
    Unsubscribed = 2,
}

/// <summary>
/// One address that wants to hear when one exam session's results are out (docs/reminders.md). The address is
/// encrypted and bound to its row like a candidate's email; it is found again by its keyed blind index
/// (<see cref="EmailIndex"/>), never by the address itself, so one address holds one subscription per session.
/// Links in its mails are keyed to this row (<see cref="ReminderLinks"/>): one subscription's link opens no other.
/// </summary>
public sealed class ReminderSubscription : RowBound
{
    public long Id { get; set; }

    public int ExamSessionId { get; set; }

    /// <summary>The address, as typed (trimmed). Encrypted at rest, bound to its row.</summary>
    [Encrypted]
    public string Email { get; set; } = "";

    /// <summary>HMAC-SHA256 blind index of the lower-cased address (<see cref="ReminderLinks.EmailIndex"/>), 32 bytes.</summary>
    public byte[] EmailIndex { get; set; } = [];

    /// <summary>The language of its mails: the one the person used to subscribe (zh-CN or en-US).</summary>
    public string Culture { get; set; } = "zh-CN";

    public ReminderStatus Status { get; set; }

    /// <summary>The candidate account that subscribed with one click from /me (its confirmed address), if any.</summary>
    public string? UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the last confirmation mail was queued (a repeat asks within the policy's spacing send none).</summary>
    public DateTimeOffset? ConfirmationSentAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? UnsubscribedAt { get; set; }
}

internal sealed class ReminderSubscriptionConfiguration : IEntityTypeConfiguration<ReminderSubscription>
{
    public void Configure(EntityTypeBuilder<ReminderSubscription> builder)
    {
        builder.ToTable("ReminderSubscriptions");
        builder.Property(s => s.EmailIndex).HasMaxLength(32).IsFixedLength();
        builder.Property(s => s.Culture).HasMaxLength(8).IsUnicode(false);
        builder.Property(s => s.Status).HasConversion<int>();
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.Property(s => s.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(s => s.ConfirmationSentAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(s => s.ConfirmedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(s => s.UnsubscribedAt).HasConversion(UnixTime.NullableMilliseconds);
        // One subscription per address and session; the expansion reads a session's confirmed ones in id order.
        builder.HasIndex(s => new { s.ExamSessionId, s.EmailIndex }).IsUnique();
        builder.HasIndex(s => new { s.ExamSessionId, s.Status, s.Id });
        builder.HasIndex(s => s.UserId);
        builder.HasOne<ExamSession>().WithMany().HasForeignKey(s => s.ExamSessionId).OnDelete(DeleteBehavior.Cascade);
        // Closing an account keeps no subscription made through it.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
