using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;

namespace ScorePortal.Features.Api;

/// <summary>A candidate's time-limited permission for one API client to read their results.</summary>
public sealed class Consent
{
    public int Id { get; set; }

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int ApiClientId { get; set; }
    public ApiClient ApiClient { get; set; } = null!;

    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> builder)
    {
        builder.HasIndex(c => new { c.ApiClientId, c.CandidateId });
        builder.HasIndex(c => c.CandidateId);

        // A consent is evidence of what was allowed when: neither side's deletion may erase it.
        builder.HasOne(c => c.Candidate).WithMany()
            .HasForeignKey(c => c.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(c => c.ApiClient).WithMany()
            .HasForeignKey(c => c.ApiClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
