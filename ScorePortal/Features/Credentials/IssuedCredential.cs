using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Credentials;

public enum CredentialStatus
{
    /// <summary>Neither bit set in the status lists.</summary>
    Valid = 0,

    /// <summary>The certificate's figures changed (a review decision, a new batch version): the message list says "superseded".</summary>
    Superseded = 1,

    /// <summary>Withdrawn by the holder, or the batch behind it was retracted: the revocation list's bit is set.</summary>
    Revoked = 2,
}

/// <summary>
/// A verifiable credential handed out for one certificate (<see cref="QualificationOutcome"/>). While it stays valid a
/// new download returns this same signed credential, so its status entry (<see cref="ListNumber"/>,
/// <see cref="StatusIndex"/>) never moves; the status lists are built from these rows.
/// </summary>
public sealed class IssuedCredential : RowBound
{
    public int Id { get; set; }

    /// <summary>The credential's own id (<c>urn:uuid:…</c>).</summary>
    public Guid CredentialId { get; set; }

    public int QualificationOutcomeId { get; set; }
    public QualificationOutcome QualificationOutcome { get; set; } = null!;

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    /// <summary>The key that signed it: it stays in the DID document while this credential is valid.</summary>
    public int SigningKeyId { get; set; }
    public CredentialSigningKey SigningKey { get; set; } = null!;

    /// <summary>Which pair of status lists (revocation-N, message-N) holds its bits.</summary>
    public int ListNumber { get; set; }

    /// <summary>Its position in both lists: drawn at random among the free ones, so the order of issue does not show.</summary>
    public int StatusIndex { get; set; }

    public CredentialStatus Status { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>When it stopped being valid.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public int DownloadCount { get; set; }

    /// <summary>The compact JWS as handed out (it carries the masked name), sealed.</summary>
    [Encrypted(Unbounded = true)]
    public string Jws { get; set; } = "";
}

internal sealed class IssuedCredentialConfiguration : IEntityTypeConfiguration<IssuedCredential>
{
    public void Configure(EntityTypeBuilder<IssuedCredential> builder)
    {
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.HasIndex(c => c.CredentialId).IsUnique();
        builder.HasIndex(c => new { c.ListNumber, c.StatusIndex }).IsUnique();
        builder.HasIndex(c => new { c.QualificationOutcomeId, c.Status });
        builder.HasIndex(c => new { c.CandidateId, c.Status });
        builder.HasIndex(c => new { c.SigningKeyId, c.Status });

        builder.HasOne(c => c.QualificationOutcome).WithMany()
            .HasForeignKey(c => c.QualificationOutcomeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.Candidate).WithMany()
            .HasForeignKey(c => c.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.SigningKey).WithMany()
            .HasForeignKey(c => c.SigningKeyId).OnDelete(DeleteBehavior.Restrict);
    }
}
