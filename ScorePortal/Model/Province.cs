using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Model;

/// <summary>A province-level division (GB/T 2260, two digits) and its exam center's contact details.</summary>
public sealed class Province
{
    /// <summary>Two-digit GB/T 2260 code, e.g. "11" for Beijing.</summary>
    public string Code { get; set; } = "";

    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string ExamCenterNameZh { get; set; } = "";
    public string ExamCenterNameEn { get; set; } = "";
    public string? ContactPhone { get; set; }
    public string? ContactEmail { get; set; }
    public string? ContactAddress { get; set; }
    public string? Website { get; set; }
}

internal sealed class ProvinceConfiguration : IEntityTypeConfiguration<Province>
{
    public void Configure(EntityTypeBuilder<Province> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(2).IsFixedLength().IsUnicode(false).ValueGeneratedNever();
        builder.Property(p => p.NameZh).HasMaxLength(32);
        builder.Property(p => p.NameEn).HasMaxLength(64);
        builder.Property(p => p.ExamCenterNameZh).HasMaxLength(64);
        builder.Property(p => p.ExamCenterNameEn).HasMaxLength(128);
        builder.Property(p => p.ContactPhone).HasMaxLength(32).IsUnicode(false);
        builder.Property(p => p.ContactEmail).HasMaxLength(256);
        builder.Property(p => p.ContactAddress).HasMaxLength(256);
        builder.Property(p => p.Website).HasMaxLength(256);
    }
}
