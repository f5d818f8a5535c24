using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Model;

/// <summary>A candidate's registration (报名) for one qualification in one exam session, at one province's exam center.</summary>
public sealed class Registration
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int ExamSessionId { get; set; }
    public ExamSession ExamSession { get; set; } = null!;

    public int QualificationId { get; set; }
    public Qualification Qualification { get; set; } = null!;

    /// <summary>The exam center's province; province-scoped staff see only their registrations.</summary>
    public string ProvinceCode { get; set; } = "";
    public Province Province { get; set; } = null!;

    /// <summary>Admission ticket number (准考证号); unique within the session.</summary>
    public string TicketNumber { get; set; } = "";

    public DateTimeOffset RegisteredAt { get; set; }

    public List<SubjectScore> Scores { get; } = [];
}

internal sealed class RegistrationConfiguration : IEntityTypeConfiguration<Registration>
{
    public void Configure(EntityTypeBuilder<Registration> builder)
    {
        builder.Property(r => r.ProvinceCode).HasMaxLength(2).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.TicketNumber).HasMaxLength(32).IsUnicode(false);

        builder.HasIndex(r => new { r.ExamSessionId, r.TicketNumber }).IsUnique();
        // One qualification per candidate and sitting, as in the real exam.
        builder.HasIndex(r => new { r.CandidateId, r.ExamSessionId }).IsUnique();
        builder.HasIndex(r => new { r.ExamSessionId, r.ProvinceCode });

        builder.HasOne(r => r.Candidate).WithMany(c => c.Registrations)
            .HasForeignKey(r => r.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.ExamSession).WithMany(s => s.Registrations)
            .HasForeignKey(r => r.ExamSessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Qualification).WithMany()
            .HasForeignKey(r => r.QualificationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Province).WithMany()
            .HasForeignKey(r => r.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
    }
}
