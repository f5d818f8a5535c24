using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Model;

/// <summary>Junior, intermediate or senior level of the qualification catalog.</summary>
public sealed class QualificationLevel
{
    public int Id { get; set; }

    /// <summary>Stable code such as "junior", "intermediate", "senior".</summary>
    public string Code { get; set; } = "";

    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public int SortOrder { get; set; }

    public List<Qualification> Qualifications { get; } = [];
}

internal sealed class QualificationLevelConfiguration : IEntityTypeConfiguration<QualificationLevel>
{
    public void Configure(EntityTypeBuilder<QualificationLevel> builder)
    {
        builder.Property(l => l.Code).HasMaxLength(32).IsUnicode(false);
        builder.Property(l => l.NameZh).HasMaxLength(64);
        builder.Property(l => l.NameEn).HasMaxLength(128);
        builder.HasIndex(l => l.Code).IsUnique();
    }
}
