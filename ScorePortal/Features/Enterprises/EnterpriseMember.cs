using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Enterprises;

/// <summary>An account of the Enterprise role and the one enterprise it acts for.</summary>
public sealed class EnterpriseMember
{
    public string UserId { get; set; } = "";

    public int EnterpriseId { get; set; }
    public Enterprise Enterprise { get; set; } = null!;

    public DateTimeOffset AddedAt { get; set; }

    /// <summary>The admin who invited the account.</summary>
    public string? AddedBy { get; set; }
}

internal sealed class EnterpriseMemberConfiguration : IEntityTypeConfiguration<EnterpriseMember>
{
    public void Configure(EntityTypeBuilder<EnterpriseMember> builder)
    {
        builder.HasKey(m => m.UserId);
        builder.Property(m => m.UserId).HasMaxLength(450);
        builder.Property(m => m.AddedBy).HasMaxLength(450);
        builder.Property(m => m.AddedAt).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(m => m.EnterpriseId);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.Enterprise).WithMany().HasForeignKey(m => m.EnterpriseId).OnDelete(DeleteBehavior.Restrict);
    }
}
