using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// One entry of the append-only, hash-chained audit log:
/// <see cref="Hash"/> = SHA-256(canonical JSON of the entry + <see cref="PreviousHash"/>).
/// Never holds plaintext PII; people are referenced by ids and IPs by keyed hash.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    /// <summary>Gap-free position in the chain, assigned by the single audit writer; unique.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }
    public string? ActorUserId { get; set; }
    public string? ActorRole { get; set; }

    /// <summary>What happened, e.g. "score.lookup", "batch.publish".</summary>
    public string Action { get; set; } = "";

    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public string? SourceIpHash { get; set; }

    /// <summary>Action details as canonical JSON; no PII.</summary>
    public string DataJson { get; set; } = "{}";

    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        // Audit rows reference users by id only: no foreign keys, the log outlives accounts.
        builder.Property(a => a.ActorUserId).HasMaxLength(450);
        builder.Property(a => a.ActorRole).HasMaxLength(32).IsUnicode(false);
        builder.Property(a => a.Action).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.TargetType).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.TargetId).HasMaxLength(128).IsUnicode(false);
        builder.Property(a => a.SourceIpHash).HasMaxLength(64).IsUnicode(false);
        builder.Property(a => a.PreviousHash).HasMaxLength(64).IsFixedLength().IsUnicode(false);
        builder.Property(a => a.Hash).HasMaxLength(64).IsFixedLength().IsUnicode(false);

        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.HasIndex(a => new { a.TargetType, a.TargetId });
        builder.HasIndex(a => a.ActorUserId);
        builder.HasIndex(a => a.Action);
    }
}
