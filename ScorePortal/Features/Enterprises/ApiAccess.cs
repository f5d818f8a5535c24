using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// One call of the enterprise API, written durably before the answer leaves: what was asked, by which key, what came
/// back. A candidate's "who looked at my results" reads the rows that name them; the enterprise's usage figures read
/// the rest. No name, ID number or score is stored here.
/// </summary>
public sealed class ApiAccess
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public int EnterpriseId { get; set; }
    public int ApiKeyId { get; set; }

    /// <summary>The employee id asked for (normalized), if the request got that far.</summary>
    public string? EmployeeId { get; set; }

    /// <summary>The consent the call was answered (or refused) under, when one matched the employee id.</summary>
    public int? ConsentId { get; set; }

    /// <summary>The candidate whose results were asked for, when known: "who looked at my results".</summary>
    public int? CandidateId { get; set; }

    public int? QualificationId { get; set; }

    /// <summary><c>success</c> or the problem's stable code (<c>no_consent</c>, <c>rate_limited</c>, …).</summary>
    public string Outcome { get; set; } = "";

    /// <summary>The fields returned, comma-separated; empty when nothing was.</summary>
    public string Fields { get; set; } = "";
}

internal sealed class ApiAccessConfiguration : IEntityTypeConfiguration<ApiAccess>
{
    public void Configure(EntityTypeBuilder<ApiAccess> builder)
    {
        builder.ToTable("ApiAccessLog");
        builder.Property(a => a.EmployeeId).HasMaxLength(Consent.EmployeeIdMaxLength);
        builder.Property(a => a.Outcome).HasMaxLength(32).IsUnicode(false);
        builder.Property(a => a.Fields).HasMaxLength(200).IsUnicode(false);
        builder.Property(a => a.At).HasConversion(UnixTime.Milliseconds);
        builder.HasIndex(a => new { a.CandidateId, a.At });
        builder.HasIndex(a => new { a.EnterpriseId, a.At });
        builder.HasIndex(a => new { a.ApiKeyId, a.At });
    }
}
