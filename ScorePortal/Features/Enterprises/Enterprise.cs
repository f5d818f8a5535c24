using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// An employer registered by an admin to read, over <c>/api/v1</c>, the results of employees who consented. Its
/// contact is shown to a candidate before they agree, so it is a person's data: encrypted like every name and email.
/// </summary>
public sealed class Enterprise : RowBound
{
    public const int NameMaxLength = 200;
    public const int PurposeMaxLength = 500;
    public const int AllowedNetworksMaxLength = 4000;
    public const int WebhookUrlMaxLength = 2048;

    public int Id { get; set; }

    /// <summary>The registered name, as the candidate will see it on the consent page.</summary>
    public string Name { get; set; } = "";

    /// <summary>Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, unique.</summary>
    public string CreditCode { get; set; } = "";

    [Encrypted]
    public string ContactName { get; set; } = "";

    [Encrypted]
    public string ContactEmail { get; set; } = "";

    [Encrypted]
    public string? ContactPhone { get; set; }

    /// <summary>What the enterprise uses the results for, stated to the candidate before consent.</summary>
    public string Purpose { get; set; } = "";

    /// <summary>
    /// Addresses its keys may call from: CIDR blocks (IPv4 or IPv6), one per line. Empty: any address.
    /// </summary>
    public string AllowedNetworks { get; set; } = "";

    /// <summary>Set while the enterprise is suspended: its keys are refused, its users see the suspension.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>The HTTPS callback for result-change notices, if registered.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The HMAC-SHA256 key the callbacks are signed with (base64); encrypted at rest.</summary>
    [Encrypted]
    public string? WebhookSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The admin who registered it.</summary>
    public string? CreatedBy { get; set; }

    public bool IsSuspended => SuspendedAt is not null;
}

internal sealed class EnterpriseConfiguration : IEntityTypeConfiguration<Enterprise>
{
    public void Configure(EntityTypeBuilder<Enterprise> builder)
    {
        builder.Property(e => e.Name).HasMaxLength(Enterprise.NameMaxLength);
        builder.Property(e => e.CreditCode).HasMaxLength(18).IsUnicode(false);
        builder.Property(e => e.Purpose).HasMaxLength(Enterprise.PurposeMaxLength);
        builder.Property(e => e.AllowedNetworks).HasMaxLength(Enterprise.AllowedNetworksMaxLength).IsUnicode(false);
        builder.Property(e => e.WebhookUrl).HasMaxLength(Enterprise.WebhookUrlMaxLength);
        builder.Property(e => e.CreatedBy).HasMaxLength(450);
        builder.Property(e => e.CreatedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(e => e.SuspendedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(e => e.CreditCode).IsUnique();
    }
}
