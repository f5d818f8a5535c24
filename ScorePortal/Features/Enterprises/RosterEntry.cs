using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// One row of an enterprise's uploaded roster, kept only for an employee id with an active consent to that enterprise.
/// Performance and years of service are optional (the talent figures); they describe groups, never a verdict on a person.
/// </summary>
public sealed class RosterEntry
{
    public long Id { get; set; }
    public int EnterpriseId { get; set; }
    public string EmployeeId { get; set; } = "";
    public string Department { get; set; } = "";

    /// <summary>A project-performance score on the enterprise's own scale.</summary>
    public decimal? Performance { get; set; }

    public decimal? YearsOfService { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class RosterEntryConfiguration : IEntityTypeConfiguration<RosterEntry>
{
    public void Configure(EntityTypeBuilder<RosterEntry> builder)
    {
        builder.Property(r => r.EmployeeId).HasMaxLength(Consent.EmployeeIdMaxLength);
        builder.Property(r => r.Department).HasMaxLength(100);
        builder.Property(r => r.Performance).HasPrecision(9, 2);
        builder.Property(r => r.YearsOfService).HasPrecision(5, 1);
        builder.Property(r => r.UploadedAt).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(r => new { r.EnterpriseId, r.EmployeeId }).IsUnique();
    }
}
