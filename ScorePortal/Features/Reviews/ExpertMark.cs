using ScorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// One expert's assignment to a request and, once recorded, their independent re-mark. Each expert is assigned to a
/// request once (unique index) and marks it once (a conditional update on <see cref="MarkedAt"/>).
/// </summary>
public sealed class ExpertMark : RowBound
{
    public int Id { get; set; }

    public int ReviewRequestId { get; set; }
    public ReviewRequest ReviewRequest { get; set; } = null!;

    public string ExpertUserId { get; set; } = "";

    public DateTimeOffset AssignedAt { get; set; }

    /// <summary>Null until marked. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public decimal? Score { get; set; }

    public string? Comment { get; set; }
    public DateTimeOffset? MarkedAt { get; set; }
}

internal sealed class ExpertMarkConfiguration : IEntityTypeConfiguration<ExpertMark>
{
    public void Configure(EntityTypeBuilder<ExpertMark> builder)
    {
        builder.ToTable("ExpertMarks");
        builder.Property(m => m.ExpertUserId).HasMaxLength(450);
        builder.Property(m => m.Comment).HasMaxLength(1000);
        builder.Property(m => m.AssignedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(m => m.MarkedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(m => new { m.ReviewRequestId, m.ExpertUserId }).IsUnique();
        builder.HasIndex(m => m.ExpertUserId);

        // Marks are part of their request (the only cascade path into this table).
        builder.HasOne(m => m.ReviewRequest).WithMany(r => r.ExpertMarks)
            .HasForeignKey(m => m.ReviewRequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
