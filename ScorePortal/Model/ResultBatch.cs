using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Model;

public enum ResultBatchStatus
{
    /// <summary>Imported after a clean validation; its scores are stored but not current (nobody sees them).</summary>
    Validated = 1,

    /// <summary>Approved by a second admin (never the importer); waits for the release time.</summary>
    Approved = 2,
    Published = 3,

    /// <summary>Taken back after publication; its scores are superseded by a later batch.</summary>
    Retracted = 4,
    /// <summary>Refused by the approver; its scores never become current.</summary>
    Rejected = 5,
}

/// <summary>One imported results file of a session. A correction is a new batch with the next version.</summary>
public sealed class ResultBatch
{
    public int Id { get; set; }

    public int ExamSessionId { get; set; }
    public ExamSession ExamSession { get; set; } = null!;

    /// <summary>1, 2, … within the session.</summary>
    public int Version { get; set; }

    public string FileName { get; set; } = "";

    /// <summary>SHA-256 (hex) of the uploaded file's bytes; the same file is not imported twice.</summary>
    public string ContentSha256 { get; set; } = "";

    /// <summary>SHA-256 (hex) over the canonical, ordered rows; what the approver signs off on.</summary>
    public string Fingerprint { get; set; } = "";

    public ResultBatchStatus Status { get; set; }
    public int RowCount { get; set; }
    public int ErrorCount { get; set; }

    public string ImportedByUserId { get; set; } = "";
    public DateTimeOffset ImportedAt { get; set; }
    public string? ApprovedByUserId { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public string? PublishedByUserId { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? RetractedByUserId { get; set; }
    public DateTimeOffset? RetractedAt { get; set; }

    /// <summary>Why the batch was retracted or rejected.</summary>
    public string? Reason { get; set; }

    /// <summary>
    /// The preview the approver sees (counts and pass rates per qualification and province), computed once at import
    /// as JSON: the scores themselves are encrypted and 1,000,000 of them are not decrypted for every page view.
    /// </summary>
    public string SummaryJson { get; set; } = "{}";

    /// <summary>The batch this one corrects, if any.</summary>
    public int? SupersedesBatchId { get; set; }
    public ResultBatch? SupersedesBatch { get; set; }
}

internal sealed class ResultBatchConfiguration : IEntityTypeConfiguration<ResultBatch>
{
    public void Configure(EntityTypeBuilder<ResultBatch> builder)
    {
        builder.Property(b => b.FileName).HasMaxLength(260);
        builder.Property(b => b.ContentSha256).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(b => b.Fingerprint).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(b => b.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        // User ids are not foreign keys: the batch history must outlive the accounts that made it.
        builder.Property(b => b.ImportedByUserId).HasMaxLength(450);
        builder.Property(b => b.ApprovedByUserId).HasMaxLength(450);
        builder.Property(b => b.PublishedByUserId).HasMaxLength(450);
        builder.Property(b => b.RetractedByUserId).HasMaxLength(450);
        builder.Property(b => b.Reason).HasMaxLength(1000);

        builder.HasIndex(b => new { b.ExamSessionId, b.Version }).IsUnique();
        builder.HasIndex(b => b.ContentSha256);
        builder.HasIndex(b => b.Status);

        builder.HasOne(b => b.ExamSession).WithMany()
            .HasForeignKey(b => b.ExamSessionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(b => b.SupersedesBatch).WithMany()
            .HasForeignKey(b => b.SupersedesBatchId).OnDelete(DeleteBehavior.Restrict);
    }
}
