using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Security;

namespace ScorePortal.Model;

/// <summary>
/// A person who registered for at least one exam session, identified by ID document. Lookups never search
/// <see cref="IdNumber"/>: they compute the blind index and read <see cref="IdNumberIndex"/>.
/// </summary>
public sealed class Candidate : RowBound
{
    public int Id { get; set; }

    public IdType IdType { get; set; }

    /// <summary>Normalized ID document number. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public string IdNumber { get; set; } = "";

    /// <summary>HMAC-SHA256 blind index of <see cref="IdType"/> and the normalized ID number (32 bytes).</summary>
    public byte[] IdNumberIndex { get; set; } = [];

    /// <summary>Name as registered (NFC). Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public string Name { get; set; } = "";

    /// <summary>Registered email; required for passport holders. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public string? Email { get; set; }

    /// <summary>
    /// Registered mobile, E.164 (<see cref="CandidateMobile"/>), from the result import's optional <c>mobile</c> column: the
    /// only number an SMS query is answered with data (docs/sms.md). Sensitive: encrypted at rest, bound to its row.
    /// </summary>
    [Encrypted]
    public string? Mobile { get; set; }

    /// <summary>HMAC-SHA256 blind index of <see cref="Mobile"/> (<see cref="BlindIndex.ComputeMobile"/>); null without a mobile.</summary>
    public byte[]? MobileIndex { get; set; }

    /// <summary>The portal account bound to this candidate after a verified sign-up, if any.</summary>
    public string? UserId { get; set; }

    /// <summary>When <see cref="UserId"/> was bound (the candidate proved ID, name and an admission ticket).</summary>
    public DateTimeOffset? LinkedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Registration> Registrations { get; } = [];
}

internal sealed class CandidateConfiguration : IEntityTypeConfiguration<Candidate>
{
    public void Configure(EntityTypeBuilder<Candidate> builder)
    {
        builder.Property(c => c.IdType).HasConversion<string>().HasMaxLength(32).IsUnicode(false);
        builder.Property(c => c.IdNumberIndex).HasMaxLength(32).IsFixedLength();
        builder.Property(c => c.UserId).HasMaxLength(450);

        builder.HasIndex(c => new { c.IdType, c.IdNumberIndex }).IsUnique();
        builder.HasIndex(c => c.UserId).IsUnique();
        // Not unique: a family may register one phone for several candidates.
        builder.Property(c => c.MobileIndex).HasMaxLength(32).IsFixedLength();
        builder.HasIndex(c => c.MobileIndex);

        // Deleting an account (personal data deletion) unbinds the candidate; results stay.
        builder.HasOne<ApplicationUser>()
            .WithMany()
            .HasForeignKey(c => c.UserId)
            .OnDelete(DeleteBehavior.SetNull);
    }
}
