using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// A published yearly data-security report (数据安全白皮书): the figures as they were counted when an admin published
/// them, frozen here so that archiving or later entries never change what was published. Figures only, no person.
/// Publishing a year again replaces its figures (a correction; the audit log keeps both publications).
/// </summary>
public sealed class DataSecurityReport
{
    public int Year { get; set; }

    public DateTimeOffset PublishedAt { get; set; }

    public string PublishedByUserId { get; set; } = "";

    /// <summary>The counted figures (<see cref="DataSecurityFigures"/>) as JSON.</summary>
    public string FiguresJson { get; set; } = "{}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DataSecurityFigures Figures() => JsonSerializer.Deserialize<DataSecurityFigures>(FiguresJson, Json)
        ?? throw new InvalidDataException($"The data-security report of {Year} holds no figures.");

    public static string Serialize(DataSecurityFigures figures) => JsonSerializer.Serialize(figures, Json);
}

internal sealed class DataSecurityReportConfiguration : IEntityTypeConfiguration<DataSecurityReport>
{
    public void Configure(EntityTypeBuilder<DataSecurityReport> builder)
    {
        builder.ToTable("DataSecurityReports");
        builder.HasKey(r => r.Year);
        builder.Property(r => r.Year).ValueGeneratedNever();
        builder.Property(r => r.PublishedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(r => r.PublishedByUserId).HasMaxLength(450);
    }
}
