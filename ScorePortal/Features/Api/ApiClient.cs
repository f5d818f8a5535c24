using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScorePortal.Features.Api;

/// <summary>An enterprise system allowed to call <c>/api/v1</c> for candidates who consented.</summary>
public sealed class ApiClient
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Organization { get; set; } = "";

    /// <summary>Public client identifier; unique.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>Hash of the client secret; the secret itself is shown once at creation.</summary>
    public string SecretHash { get; set; } = "";

    public string? WebhookUrl { get; set; }
    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(100);
        builder.Property(c => c.Organization).HasMaxLength(200);
        builder.Property(c => c.ClientId).HasMaxLength(64).IsUnicode(false);
        builder.Property(c => c.SecretHash).HasMaxLength(256).IsUnicode(false);
        builder.Property(c => c.WebhookUrl).HasMaxLength(2048);
        builder.HasIndex(c => c.ClientId).IsUnique();
    }
}
