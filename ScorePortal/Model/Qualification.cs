using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Model;

/// <summary>A qualification (资格) candidates register for, e.g. S01 信息系统项目管理师.</summary>
public sealed class Qualification
{
    public int Id { get; set; }

    /// <summary>Catalog code such as "S01"; unique.</summary>
    public string Code { get; set; } = "";

    public int LevelId { get; set; }
    public QualificationLevel Level { get; set; } = null!;

    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";

    /// <summary>
    /// Exam years within which all subjects must be passed: 1 = all subjects in one sitting,
    /// 2 = subject passes carry over into the next exam year.
    /// </summary>
    public int ScoreValidityYears { get; set; } = 2;

    /// <summary>Retired qualifications stay in the catalog because results reference them.</summary>
    public bool IsActive { get; set; } = true;

    public List<Subject> Subjects { get; } = [];
}

internal sealed class QualificationConfiguration : IEntityTypeConfiguration<Qualification>
{
    public void Configure(EntityTypeBuilder<Qualification> builder)
    {
        builder.Property(q => q.Code).HasMaxLength(16).IsUnicode(false);
        builder.Property(q => q.NameZh).HasMaxLength(64);
        builder.Property(q => q.NameEn).HasMaxLength(128);
        builder.HasIndex(q => q.Code).IsUnique();
        builder.ToTable(t => t.HasCheckConstraint("CK_Qualifications_ScoreValidityYears", "ScoreValidityYears IN (1, 2)"));

        builder.HasOne(q => q.Level)
            .WithMany(l => l.Qualifications)
            .HasForeignKey(q => q.LevelId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}
