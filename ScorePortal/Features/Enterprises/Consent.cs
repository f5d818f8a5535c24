using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// A candidate's separate consent (PIPL art. 23) for one enterprise to read the results of chosen qualifications,
/// under the employee id that enterprise uses for them, until <see cref="ExpiresAt"/> (two years at most). A consent
/// is evidence of what was allowed when: it is closed, never deleted.
/// </summary>
public sealed class Consent
{
    public const int EmployeeIdMaxLength = 64;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(731);

    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int EnterpriseId { get; set; }
    public Enterprise Enterprise { get; set; } = null!;

    /// <summary>The enterprise's number for the employee, normalized (<c>EmployeeIds.Normalize</c>).</summary>
    public string EmployeeId { get; set; } = "";

    /// <summary>The fields the candidate agreed the enterprise receives, comma-separated, as stated on the consent page.</summary>
    public string Fields { get; set; } = "";

    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set when the candidate revoked it; effective at once.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// Set when the consent stopped holding the employee id: at revocation, or when a new consent for the same
    /// (enterprise, employee id) replaced an expired one. At most one consent per pair has none (a unique index).
    /// </summary>
    public DateTimeOffset? ClosedAt { get; set; }

    public List<ConsentQualification> Qualifications { get; } = [];

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && ClosedAt is null && now < ExpiresAt;
}

/// <summary>One qualification a consent covers.</summary>
public sealed class ConsentQualification
{
    public int ConsentId { get; set; }
    public int QualificationId { get; set; }
    public Qualification Qualification { get; set; } = null!;
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> builder)
    {
        builder.Property(c => c.EmployeeId).HasMaxLength(Consent.EmployeeIdMaxLength);
        builder.Property(c => c.Fields).HasMaxLength(200).IsUnicode(false);
        builder.HasIndex(c => new { c.EnterpriseId, c.EmployeeId }).IsUnique().HasFilter("ClosedAt IS NULL");
        builder.HasIndex(c => new { c.EnterpriseId, c.EmployeeId, c.GrantedAt });
        builder.Property(c => c.GrantedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(c => c.ExpiresAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(c => c.RevokedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(c => c.ClosedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(c => c.CandidateId);

        // Neither side's deletion may erase the evidence.
        builder.HasOne(c => c.Candidate).WithMany().HasForeignKey(c => c.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Enterprise).WithMany().HasForeignKey(c => c.EnterpriseId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(c => c.Qualifications).WithOne().HasForeignKey(q => q.ConsentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConsentQualificationConfiguration : IEntityTypeConfiguration<ConsentQualification>
{
    public void Configure(EntityTypeBuilder<ConsentQualification> builder)
    {
        builder.HasKey(q => new { q.ConsentId, q.QualificationId });
        builder.HasOne(q => q.Qualification).WithMany().HasForeignKey(q => q.QualificationId).OnDelete(DeleteBehavior.Restrict);
    }
}
