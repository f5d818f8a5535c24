using ScorePortal.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;

namespace ScorePortal.Features.Reviews;

/// <summary>An on-site appointment at a province's exam center to hand in originals; staff set the capacity.</summary>
public sealed class AppointmentSlot
{
    public int Id { get; set; }

    public string ProvinceCode { get; set; } = "";
    public Province Province { get; set; } = null!;

    public DateTimeOffset StartsAt { get; set; }
    public int Capacity { get; set; }

    /// <summary>Taken places; booking is a conditional increment (Booked &lt; Capacity), so it never overbooks.</summary>
    public int Booked { get; set; }
}

internal sealed class AppointmentSlotConfiguration : IEntityTypeConfiguration<AppointmentSlot>
{
    public void Configure(EntityTypeBuilder<AppointmentSlot> builder)
    {
        builder.ToTable("AppointmentSlots");
        builder.Property(s => s.ProvinceCode).HasMaxLength(2).IsFixedLength().IsUnicode(false);
        builder.Property(s => s.StartsAt).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(s => new { s.ProvinceCode, s.StartsAt });
        builder.HasOne(s => s.Province).WithMany()
            .HasForeignKey(s => s.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
    }
}
