using ScorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Features.Reviews;

/// <summary>One step of a request's timeline, shown to the candidate with its date.</summary>
public sealed class ReviewEvent
{
    public long Id { get; set; }

    public int ReviewRequestId { get; set; }
    public ReviewRequest ReviewRequest { get; set; } = null!;

    public ReviewStatus Status { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Staff's message to the candidate with this step, if any.</summary>
    public string? Message { get; set; }

    public string? ActorUserId { get; set; }
}

internal sealed class ReviewEventConfiguration : IEntityTypeConfiguration<ReviewEvent>
{
    public void Configure(EntityTypeBuilder<ReviewEvent> builder)
    {
        builder.ToTable("ReviewEvents");
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(e => e.Message).HasMaxLength(2000);
        builder.Property(e => e.ActorUserId).HasMaxLength(450);
        builder.Property(e => e.At).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(e => e.ReviewRequestId);
        builder.HasOne(e => e.ReviewRequest).WithMany(r => r.Events)
            .HasForeignKey(e => e.ReviewRequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
