using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.ShareLinks;

/// <summary>
/// A link the holder of a certificate hands to a verifier (docs/share-links.md): while it is valid, <c>/s/{token}</c>
/// shows the masked name and the certificate of one report in the register, with that report's status. The token is
/// found by its SHA-256 (<see cref="TokenHash"/>); the token itself is kept only sealed, so the holder can copy the link
/// again. Deleted 30 days after it expired or was revoked (<see cref="ShareLinkRetention"/>).
/// </summary>
public sealed class ShareLink : RowBound
{
    public int Id { get; set; }

    /// <summary>The account that made it: the only one that lists, extends or revokes it.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The report (in the register) whose certificate the link shows.</summary>
    public int ReportIssueId { get; set; }
    public ReportIssue ReportIssue { get; set; } = null!;

    /// <summary>SHA-256 of the token's UTF-8 text: what an opened link is looked up by.</summary>
    public byte[] TokenHash { get; set; } = [];

    /// <summary>The token, for the holder's "copy again". Encrypted at rest, bound to its row.</summary>
    [Encrypted]
    public string Token { get; set; } = "";

    /// <summary>Whom it is for, as the holder typed it (may name a person). Encrypted at rest; empty when none.</summary>
    [Encrypted]
    public string Note { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>How often it was opened while valid; nothing else about the verifier is kept.</summary>
    public int OpenCount { get; set; }

    public DateTimeOffset? LastOpenedAt { get; set; }
}

internal sealed class ShareLinkConfiguration : IEntityTypeConfiguration<ShareLink>
{
    public void Configure(EntityTypeBuilder<ShareLink> builder)
    {
        builder.ToTable("ShareLinks");
        builder.Property(l => l.UserId).HasMaxLength(450);
        builder.Property(l => l.TokenHash).HasMaxLength(32).IsFixedLength();
        builder.Property(l => l.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(l => l.ExpiresAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(l => l.RevokedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(l => l.LastOpenedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(l => l.TokenHash).IsUnique();
        builder.HasIndex(l => new { l.UserId, l.Id });
        builder.HasIndex(l => l.ExpiresAt);
        builder.HasIndex(l => l.RevokedAt);
        builder.HasOne(l => l.ReportIssue).WithMany().HasForeignKey(l => l.ReportIssueId).OnDelete(DeleteBehavior.Restrict);
        // Closing an account takes its links with it.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
