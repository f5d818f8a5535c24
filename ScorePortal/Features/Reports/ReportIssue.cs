using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;

namespace ScorePortal.Features.Reports;

public enum ReportStatus
{
    /// <summary>The figures it shows are the current ones.</summary>
    Valid = 0,

    /// <summary>The scores changed after it was issued (a correcting batch, a retraction, a review).</summary>
    Superseded = 1,

    /// <summary>The candidate withdrew it.</summary>
    Revoked = 2,
}

/// <summary>
/// The register of signed PDF score reports. A verifier enters <see cref="VerificationCode"/> (or scans its QR code)
/// and sees the figures as issued with the report's status; an uploaded file is matched by <see cref="FileSha256"/>.
/// One report exists per (registration, <see cref="RecordVersion"/>, <see cref="Culture"/>) while it stays valid:
/// downloading again returns the same stored file.
/// </summary>
public sealed class ReportIssue
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int RegistrationId { get; set; }
    public Registration Registration { get; set; } = null!;

    /// <summary>zh-CN or en-US.</summary>
    public string Culture { get; set; } = "";

    /// <summary>SHA-256 (hex) over the figures the report prints; a different value means the record changed since.</summary>
    public string RecordVersion { get; set; } = "";

    /// <summary>20 random Crockford base-32 characters (100 bits), printed in groups of four; unique.</summary>
    public string VerificationCode { get; set; } = "";

    /// <summary>SHA-256 (hex) of the signed PDF file as handed out.</summary>
    public string FileSha256 { get; set; } = "";

    /// <summary>The PDF, AES-256-GCM under the field key ring (<see cref="ReportVault"/>).</summary>
    public byte[] EncryptedFile { get; set; } = [];

    /// <summary><see cref="ScoreReportContent"/> as issued (JSON), encrypted like the file.</summary>
    public byte[] EncryptedSnapshot { get; set; } = [];

    public ReportStatus Status { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>When it stopped being valid (superseded or revoked).</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public int DownloadCount { get; set; }
}

internal sealed class ReportIssueConfiguration : IEntityTypeConfiguration<ReportIssue>
{
    public void Configure(EntityTypeBuilder<ReportIssue> builder)
    {
        builder.Property(r => r.Culture).HasMaxLength(8).IsUnicode(false);
        builder.Property(r => r.RecordVersion).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.VerificationCode).HasMaxLength(20).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.FileSha256).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.HasIndex(r => r.VerificationCode).IsUnique();
        builder.HasIndex(r => r.FileSha256);
        builder.HasIndex(r => new { r.RegistrationId, r.Status });
        builder.HasIndex(r => new { r.CandidateId, r.Status });

        // Registration also leads to Candidate: neither path may cascade.
        builder.HasOne(r => r.Candidate).WithMany()
            .HasForeignKey(r => r.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Registration).WithMany()
            .HasForeignKey(r => r.RegistrationId).OnDelete(DeleteBehavior.Restrict);
    }
}
