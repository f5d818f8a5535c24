using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Features.Candidates;

namespace ScorePortal.Features.Reports;

/// <summary>
/// A signed PDF score report handed out to a candidate. A verifier enters <see cref="VerificationCode"/>
/// (or scans its QR code) and compares the document against <see cref="ContentSha256"/>.
/// </summary>
public sealed class ReportIssue
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int RegistrationId { get; set; }
    public Registration Registration { get; set; } = null!;

    /// <summary>Random, unguessable code printed on the report; unique.</summary>
    public string VerificationCode { get; set; } = "";

    /// <summary>SHA-256 (hex) of the report's content (scores as printed), not of the PDF bytes.</summary>
    public string ContentSha256 { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>Set when the underlying scores change (a correction or review) or on request.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public int DownloadCount { get; set; }
}

internal sealed class ReportIssueConfiguration : IEntityTypeConfiguration<ReportIssue>
{
    public void Configure(EntityTypeBuilder<ReportIssue> builder)
    {
        builder.Property(r => r.VerificationCode).HasMaxLength(32).IsUnicode(false);
        builder.Property(r => r.ContentSha256).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.HasIndex(r => r.VerificationCode).IsUnique();
        builder.HasIndex(r => r.RegistrationId);
        builder.HasIndex(r => r.CandidateId);

        // Registration also leads to Candidate: neither path may cascade.
        builder.HasOne(r => r.Candidate).WithMany()
            .HasForeignKey(r => r.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Registration).WithMany()
            .HasForeignKey(r => r.RegistrationId).OnDelete(DeleteBehavior.Restrict);
    }
}
