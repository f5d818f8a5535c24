using ScorePortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Features.Reviews;

public enum ReviewFileKind
{
    /// <summary>The signed application form (printed from the portal's prefilled PDF).</summary>
    ApplicationForm = 0,
    IdCopy = 1,
    AdmissionTicket = 2,

    /// <summary>The scanned answer script, uploaded by staff; the only file experts see.</summary>
    AnswerScript = 3,
}

/// <summary>
/// An uploaded file of a request. The bytes live outside the web root under <see cref="Id"/> (a generated name; the
/// name the browser sent is never used or stored), encrypted and bound to that id.
/// </summary>
public sealed class ReviewFile
{
    public Guid Id { get; set; }

    public int ReviewRequestId { get; set; }
    public ReviewRequest ReviewRequest { get; set; } = null!;

    public ReviewFileKind Kind { get; set; }

    /// <summary>Decided from the bytes: application/pdf, image/jpeg or image/png.</summary>
    public string ContentType { get; set; } = "";

    public long Length { get; set; }
    public int Pages { get; set; }
    public string UploadedByUserId { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class ReviewFileConfiguration : IEntityTypeConfiguration<ReviewFile>
{
    public void Configure(EntityTypeBuilder<ReviewFile> builder)
    {
        builder.ToTable("ReviewFiles");
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Kind).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(f => f.ContentType).HasMaxLength(32).IsUnicode(false);
        builder.Property(f => f.UploadedByUserId).HasMaxLength(450);
        builder.Property(f => f.UploadedAt).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(f => f.ReviewRequestId);
        builder.HasOne(f => f.ReviewRequest).WithMany(r => r.Files)
            .HasForeignKey(f => f.ReviewRequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
