using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

public enum AdminGrantStatus
{
    Pending,
    Approved,
    Refused,
}

/// <summary>
/// An admin asked that an account become an admin (or that a new admin account be invited): the role is given only
/// when a second admin, neither the requester nor the person concerned, approves (the two-person rule, as for result
/// batches). The address of a new account is a person's data: encrypted like every email the portal keeps.
/// </summary>
public sealed class AdminGrant : RowBound
{
    public const int DisplayNameMaxLength = InviteUser.DisplayNameMaxLength;

    public int Id { get; set; }

    /// <summary>The existing account to become an admin; null when the grant invites a new admin account.</summary>
    public string? UserId { get; set; }

    /// <summary>The address of the admin account to invite once approved (only when <see cref="UserId"/> is null).</summary>
    [Encrypted]
    public string? Email { get; set; }

    /// <summary>The new account's name (only when <see cref="UserId"/> is null).</summary>
    [Encrypted]
    public string? DisplayName { get; set; }

    /// <summary>The language of the emails to the person (zh-CN or en-US).</summary>
    public string Culture { get; set; } = "zh-CN";

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset RequestedAt { get; set; }

    public AdminGrantStatus Status { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}

internal sealed class AdminGrantConfiguration : IEntityTypeConfiguration<AdminGrant>
{
    public void Configure(EntityTypeBuilder<AdminGrant> builder)
    {
        builder.Property(g => g.UserId).HasMaxLength(450);
        builder.Property(g => g.Culture).HasMaxLength(8).IsUnicode(false);
        builder.Property(g => g.RequestedBy).HasMaxLength(450);
        builder.Property(g => g.DecidedBy).HasMaxLength(450);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.HasIndex(g => new { g.Status, g.RequestedAt });
        builder.HasIndex(g => g.UserId);
    }
}
