using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Model;

/// <summary>
/// A qualification passed (all subjects passed within the qualification's validity window) and its certificate.
/// </summary>
public sealed class QualificationOutcome
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int QualificationId { get; set; }
    public Qualification Qualification { get; set; } = null!;

    /// <summary>The session in which the last missing subject was passed.</summary>
    public int PassedInSessionId { get; set; }
    public ExamSession PassedInSession { get; set; } = null!;

    /// <summary>"RK" + release date (yyyyMMdd, China time) + 6-digit sequence; unique.</summary>
    public string CertificateNumber { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>
    /// Set when a retraction or correction takes away a pass this certificate rested on. The row stays (its number is
    /// never issued again); a later pass gets a new certificate.
    /// </summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class QualificationOutcomeConfiguration : IEntityTypeConfiguration<QualificationOutcome>
{
    public void Configure(EntityTypeBuilder<QualificationOutcome> builder)
    {
        builder.Property(o => o.CertificateNumber).HasMaxLength(32).IsUnicode(false);
        builder.HasIndex(o => o.CertificateNumber).IsUnique();
        // One live certificate per candidate and qualification; revoked ones stay as history.
        builder.HasIndex(o => new { o.CandidateId, o.QualificationId }).IsUnique().HasFilter("RevokedAt IS NULL");
        builder.HasIndex(o => o.PassedInSessionId);

        builder.HasOne(o => o.Candidate).WithMany()
            .HasForeignKey(o => o.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(o => o.Qualification).WithMany()
            .HasForeignKey(o => o.QualificationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(o => o.PassedInSession).WithMany()
            .HasForeignKey(o => o.PassedInSessionId).OnDelete(DeleteBehavior.Restrict);
    }
}
