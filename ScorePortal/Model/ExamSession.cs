using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace ScorePortal.Model;

public enum ExamHalf
{
    /// <summary>First half of the year (May sitting).</summary>
    H1 = 1,

    /// <summary>Second half of the year (November sitting).</summary>
    H2 = 2,
}

/// <summary>
/// One exam sitting, e.g. 2026H1. There is no stored status: a session is released once a result batch has
/// been published (<see cref="PublishedAt"/>) and the release time has come, so the clock alone opens it.
/// </summary>
public sealed class ExamSession
{
    public int Id { get; set; }

    /// <summary>Code such as "2025H2"; unique.</summary>
    public string Code { get; set; } = "";

    public int Year { get; set; }
    public ExamHalf Half { get; set; }
    public string NameZh { get; set; } = "";
    public string NameEn { get; set; } = "";
    public DateOnly ExamStartDate { get; set; }
    public DateOnly ExamEndDate { get; set; }

    /// <summary>When candidates may see the results (announced in advance; usually 09:00 China time).</summary>
    public DateTimeOffset ReleaseAt { get; set; }

    public DateTimeOffset ReviewOpensAt { get; set; }
    public DateTimeOffset ReviewClosesAt { get; set; }

    /// <summary>Days after the review window closes by which every review is promised a decision.</summary>
    public int ReviewDecisionDays { get; set; } = DefaultReviewDecisionDays;

    public const int DefaultReviewDecisionDays = 20;

    /// <summary>Set when a result batch of this session is published; null while no results are live.</summary>
    public DateTimeOffset? PublishedAt { get; set; }

    public List<Registration> Registrations { get; } = [];

    public static string CodeFor(int year, ExamHalf half) => $"{year}{half}";

    public bool IsReleased(DateTimeOffset now) => PublishedAt is not null && now >= ReleaseAt;

    public bool IsReviewOpen(DateTimeOffset now) => IsReleased(now) && now >= ReviewOpensAt && now < ReviewClosesAt;
}

internal sealed class ExamSessionConfiguration : IEntityTypeConfiguration<ExamSession>
{
    public void Configure(EntityTypeBuilder<ExamSession> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(16).IsUnicode(false);
        builder.Property(s => s.Half).HasConversion<string>().HasMaxLength(2).IsUnicode(false);
        builder.Property(s => s.NameZh).HasMaxLength(64);
        builder.Property(s => s.NameEn).HasMaxLength(128);
        builder.HasIndex(s => s.Code).IsUnique();
        builder.HasIndex(s => new { s.Year, s.Half }).IsUnique();
    }
}
