using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// A signed statement "the chain up to <see cref="UpToSequence"/> ends in <see cref="Hash"/>"; lets a verifier
/// detect a rewritten chain even when every link was recomputed.
/// </summary>
public sealed class AuditCheckpoint
{
    public int Id { get; set; }
    public long UpToSequence { get; set; }
    public string Hash { get; set; } = "";

    /// <summary>Base64 signature over the sequence and hash.</summary>
    public string Signature { get; set; } = "";

    /// <summary>Identifies the signing key, so keys can rotate without invalidating old checkpoints.</summary>
    public string KeyId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
    {
        builder.Property(c => c.Hash).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(c => c.Signature).HasMaxLength(1024).IsUnicode(false);
        builder.Property(c => c.KeyId).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(c => c.UpToSequence).IsUnique();
    }
}
