using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// A bearer key of one enterprise. The key itself is shown once when issued; only its SHA-256 is stored (the key holds
/// 256 random bits, so a plain hash is as strong as a slow one and keeps every call cheap).
/// </summary>
public sealed class ApiKey
{
    public int Id { get; set; }

    public int EnterpriseId { get; set; }
    public Enterprise Enterprise { get; set; } = null!;

    /// <summary>A name the enterprise gives the key ("HR system", "payroll").</summary>
    public string Label { get; set; } = "";

    /// <summary>The key's first characters, shown in lists so a person can tell keys apart; never enough to use it.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole key (32 bytes); the only way a call finds its key.</summary>
    public byte[] Hash { get; set; } = [];

    /// <summary>Calls allowed per minute.</summary>
    public int RateLimitPerMinute { get; set; }

    /// <summary>Calls allowed per calendar day (China Standard Time).</summary>
    public int DailyQuota { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }

    /// <summary>Set when the key was rotated: it keeps working until then (the overlap), and never after.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The key that replaced this one in a rotation.</summary>
    public int? ReplacedByKeyId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Label).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(16).IsUnicode(false);
        builder.Property(k => k.Hash).HasMaxLength(32).IsFixedLength();
        builder.Property(k => k.CreatedBy).HasMaxLength(450);
        builder.Property(k => k.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(k => k.ExpiresAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(k => k.RevokedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(k => k.LastUsedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.HasIndex(k => k.EnterpriseId);
        builder.HasOne(k => k.Enterprise).WithMany().HasForeignKey(k => k.EnterpriseId).OnDelete(DeleteBehavior.Restrict);
    }
}
