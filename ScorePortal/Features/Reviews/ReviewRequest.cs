using ScorePortal.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

/// <summary>Where a request stands; the order of the values is the order of the timeline.</summary>
public enum ReviewStatus
{
    /// <summary>Filed by the candidate; staff have not looked at the materials yet.</summary>
    Submitted = 0,

    /// <summary>Staff asked for more or better materials (with a message); the candidate adds files.</summary>
    MoreNeeded = 1,

    /// <summary>Materials accepted; staff upload the answer script, which starts the re-marking.</summary>
    Accepted = 2,

    /// <summary>Three experts are re-marking the anonymized answer script.</summary>
    Remarking = 3,

    /// <summary>Closed by a confirmed decision (score unchanged or changed). Never reopened.</summary>
    Decided = 4,

    /// <summary>Refused by staff (with a message). Never reopened.</summary>
    Rejected = 5,
}

/// <summary>Why the candidate asks (the form's choices; "other" carries the candidate's own words).</summary>
public enum ReviewReason
{
    NearPassLine = 0,
    FarBelowOthers = 1,
    ScoringFault = 2,
    Other = 3,
}

/// <summary>How the signed originals reach the exam center.</summary>
public enum ReviewDelivery
{
    OnlineOnly = 0,
    Appointment = 1,
    Mail = 2,
}

/// <summary>
/// A candidate's request to re-mark one subject score (成绩复核). Three experts of other provinces mark the anonymized
/// answer script; the median, confirmed by staff, becomes the decision: its own <see cref="SubjectScore"/> version.
/// At most one open request per registration and subject (a unique index over open rows).
/// </summary>
public sealed class ReviewRequest : RowBound
{
    public int Id { get; set; }

    /// <summary>What the candidate quotes: "FH" + session code + province + 5-digit id, e.g. FH2026H1-31-00042.</summary>
    public string CaseNumber { get; set; } = "";

    public int CandidateId { get; set; }
    public Candidate Candidate { get; set; } = null!;

    public int RegistrationId { get; set; }
    public int SubjectId { get; set; }
    public int ExamSessionId { get; set; }
    public int QualificationId { get; set; }

    /// <summary>The score version under review (the current one when the request was filed).</summary>
    public long SubjectScoreId { get; set; }
    public SubjectScore SubjectScore { get; set; } = null!;

    /// <summary>Copied from the registration so that province-scoped staff filter without a join.</summary>
    public string ProvinceCode { get; set; } = "";
    public Province Province { get; set; } = null!;

    public ReviewReason ReasonKind { get; set; }

    /// <summary>The candidate's own words (required for <see cref="ReviewReason.Other"/>).</summary>
    public string Reason { get; set; } = "";

    public ReviewDelivery Delivery { get; set; }

    /// <summary>The language the candidate applied in; every notice about the request is written in it.</summary>
    public string Culture { get; set; } = "";

    /// <summary>The EMS tracking number of mailed originals.</summary>
    public string? EmsNumber { get; set; }

    public int? AppointmentSlotId { get; set; }
    public AppointmentSlot? AppointmentSlot { get; set; }

    public ReviewStatus Status { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The date promised to the candidate: window close + the session's decision days.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Set when decided or rejected; the "one open request per subject" index covers rows where it is null.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The score under review. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public decimal OriginalScore { get; set; }

    /// <summary>Median of the expert marks once decided. Sensitive: encrypted at rest, bound to its row (docs/security.md, "Data protection and cryptography").</summary>
    [Encrypted]
    public decimal? FinalScore { get; set; }

    /// <summary>True when the decided score differs from the original.</summary>
    public bool? Changed { get; set; }

    /// <summary>The score version the decision wrote.</summary>
    public long? DecisionScoreId { get; set; }

    public string? AssignedStaffUserId { get; set; }
    public string? DecidedByUserId { get; set; }

    /// <summary>Staff's last message to the candidate (more materials needed, rejection).</summary>
    public string? StaffNote { get; set; }

    /// <summary>Changed on every status change; two staff acting at once: one wins, the other reloads.</summary>
    public int Revision { get; set; }

    public List<ExpertMark> ExpertMarks { get; } = [];
    public List<ReviewFile> Files { get; } = [];
    public List<ReviewEvent> Events { get; } = [];

    public bool IsOpen => ClosedAt is null;
}

internal sealed class ReviewRequestConfiguration : IEntityTypeConfiguration<ReviewRequest>
{
    public void Configure(EntityTypeBuilder<ReviewRequest> builder)
    {
        builder.Property(r => r.CaseNumber).HasMaxLength(32).IsUnicode(false);
        builder.Property(r => r.ProvinceCode).HasMaxLength(2).IsFixedLength().IsUnicode(false);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.ReasonKind).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(r => r.Delivery).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(r => r.Culture).HasMaxLength(8).IsUnicode(false);
        builder.Property(r => r.EmsNumber).HasMaxLength(32).IsUnicode(false);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(r => r.AssignedStaffUserId).HasMaxLength(450);
        builder.Property(r => r.DecidedByUserId).HasMaxLength(450);
        builder.Property(r => r.StaffNote).HasMaxLength(2000);
        builder.Property(r => r.Revision).IsConcurrencyToken();
        builder.Property(r => r.SubmittedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(r => r.DueAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(r => r.ClosedAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Ignore(r => r.IsOpen);

        builder.HasIndex(r => r.CaseNumber).IsUnique();
        builder.HasIndex(r => new { r.ProvinceCode, r.Status });
        builder.HasIndex(r => r.SubjectScoreId);
        builder.HasIndex(r => r.CandidateId);
        builder.HasIndex(r => r.ExamSessionId);
        // One open request per subject: a double-clicked submit loses on this index.
        builder.HasIndex(r => new { r.RegistrationId, r.SubjectId }).IsUnique().HasFilter("ClosedAt IS NULL");

        builder.HasOne(r => r.Candidate).WithMany()
            .HasForeignKey(r => r.CandidateId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.SubjectScore).WithMany()
            .HasForeignKey(r => r.SubjectScoreId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.Province).WithMany()
            .HasForeignKey(r => r.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(r => r.AppointmentSlot).WithMany()
            .HasForeignKey(r => r.AppointmentSlotId).OnDelete(DeleteBehavior.Restrict);
    }
}
