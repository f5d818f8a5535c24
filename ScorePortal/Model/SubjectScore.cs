using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Security;

namespace ScorePortal.Model;

public enum ScoreStatus
{
    Normal = 0,

    /// <summary>Did not sit the subject (缺考); no score.</summary>
    Absent = 1,

    /// <summary>Cancelled for a rule violation (违纪); no score.</summary>
    Voided = 2,
}

/// <summary>
/// A registration's result in one subject. Scores are never updated in place: a correction (a new batch or a
/// completed review) adds the next <see cref="Version"/> and clears <see cref="IsCurrent"/> on the old row.
/// </summary>
public sealed class SubjectScore : RowBound
{
    public long Id { get; set; }

    public int RegistrationId { get; set; }
    public Registration Registration { get; set; } = null!;

    public int SubjectId { get; set; }
    public Subject Subject { get; set; } = null!;

    /// <summary>Null when absent or voided. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public decimal? Score { get; set; }

    public ScoreStatus Status { get; set; }

    /// <summary>1 for the first published result, incremented by each correction.</summary>
    public int Version { get; set; } = 1;

    public int ResultBatchId { get; set; }
    public ResultBatch ResultBatch { get; set; } = null!;

    /// <summary>
    /// Set on the version a review decision wrote (it carries the batch of the version it replaced). Publication and
    /// retraction of batches leave such a version current: a later batch never silently undoes a review decision.
    /// </summary>
    public int? ReviewRequestId { get; set; }

    public bool IsCurrent { get; set; } = true;
    public DateTimeOffset? SupersededAt { get; set; }
}

internal sealed class SubjectScoreConfiguration : IEntityTypeConfiguration<SubjectScore>
{
    public void Configure(EntityTypeBuilder<SubjectScore> builder)
    {
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);

        builder.HasIndex(s => new { s.RegistrationId, s.SubjectId, s.Version }).IsUnique();
        builder.HasIndex(s => new { s.RegistrationId, s.IsCurrent });
        builder.HasIndex(s => s.ResultBatchId);
        builder.HasIndex(s => s.ReviewRequestId);

        builder.HasOne(s => s.Registration).WithMany(r => r.Scores)
            .HasForeignKey(s => s.RegistrationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.Subject).WithMany()
            .HasForeignKey(s => s.SubjectId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(s => s.ResultBatch).WithMany()
            .HasForeignKey(s => s.ResultBatchId).OnDelete(DeleteBehavior.Restrict);
    }
}
