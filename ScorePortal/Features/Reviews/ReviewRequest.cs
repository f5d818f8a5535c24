using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Security;
using ScorePortal.Features.Candidates;
using ScorePortal.Features.Catalog;
using ScorePortal.Features.Scores;

namespace ScorePortal.Features.Reviews;

public enum ReviewStatus
{
    Submitted = 0,
    InReview = 1,
    Completed = 2,
    Rejected = 3,
    Withdrawn = 4,
}

/// <summary>
/// A candidate's request to re-mark one subject score (成绩复核). Three experts mark independently; the final
/// score is their median, and a changed score becomes a new <see cref="SubjectScore"/> version.
/// </summary>
public sealed class ReviewRequest
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public long SubjectScoreId { get; set; }
    public SubjectScore SubjectScore { get; set; } = null!;

    /// <summary>Copied from the registration so that province-scoped staff filter without a join.</summary>
    public string ProvinceCode { get; set; } = "";
    public Province Province { get; set; } = null!;

    public string Reason { get; set; } = "";
    public ReviewStatus Status { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The score under review. Sensitive: encrypted at rest (see DESIGN.md).</summary>
    [Encrypted]
    public decimal OriginalScore { get; set; }

    /// <summary>Median of the expert marks once completed. Sensitive: encrypted at rest (see DESIGN.md).</summary>
    [Encrypted]
    public decimal? FinalScore { get; set; }

    public string? AssignedStaffUserId { get; set; }
    public string? StaffNote { get; set; }

    public List<ExpertMark> ExpertMarks { get; } = [];
}

internal sealed class ReviewRequestConfiguration : IEntityTypeConfiguration<ReviewRequest>
{
    public void Configure(EntityTypeBuilder<ReviewRequest> builder)
    {
        builder.Property(r => r.ProvinceCode).HasMaxLength(2).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(r => r.AssignedStaffUserId).HasMaxLength(450);
        builder.Property(r => r.StaffNote).HasMaxLength(2000);

        builder.HasIndex(r => new { r.ProvinceCode, r.Status });
        builder.HasIndex(r => r.SubjectScoreId);
        builder.HasIndex(r => r.CandidateId);

        builder.HasOne(r => r.Candidate).WithMany()
            .HasForeignKey(r => r.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.SubjectScore).WithMany()
            .HasForeignKey(r => r.SubjectScoreId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Province).WithMany()
            .HasForeignKey(r => r.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
    }
}
