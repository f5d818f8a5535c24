using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Model;

/// <summary>One exam subject (科目) of a qualification, e.g. 综合知识, with its full marks and pass line.</summary>
public sealed class Subject
{
    public int Id { get; set; }

    public int QualificationId { get; set; }
    public Qualification Qualification { get; set; } = null!;

    /// <summary>Code such as "ZH"; unique within its qualification.</summary>
    public string Code { get; set; } = "";

    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public decimal FullMarks { get; set; }
    public decimal PassLine { get; set; }
    public int SortOrder { get; set; }

    public bool IsPassed(decimal? score) => score is { } s && s >= PassLine;
}

internal sealed class SubjectConfiguration : IEntityTypeConfiguration<Subject>
{
    public void Configure(EntityTypeBuilder<Subject> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(16).IsUnicode(false);
        builder.Property(s => s.NameZh).HasMaxLength(64);
        builder.Property(s => s.NameEn).HasMaxLength(128);
        builder.Property(s => s.FullMarks).HasPrecision(5, 1);
        builder.Property(s => s.PassLine).HasPrecision(5, 1);
        builder.HasIndex(s => new { s.QualificationId, s.Code }).IsUnique();

        // Subjects are part of their qualification; scores referencing a subject block the delete anyway.
        builder.HasOne(s => s.Qualification)
            .WithMany(q => q.Subjects)
            .HasForeignKey(s => s.QualificationId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
