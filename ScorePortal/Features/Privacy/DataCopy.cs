using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScorePortal.Data;

namespace ScorePortal.Features.Privacy;

/// <summary>Where a copy of someone's data stands (docs/data-copy.md).</summary>
public enum DataCopyStatus
{
    /// <summary>Waiting for the worker (<see cref="DataCopyPreparer"/>), or being prepared.</summary>
    Preparing = 0,

    /// <summary>Prepared and sealed; downloadable until <see cref="ScorePortal.Features.Privacy.DataCopy.ExpiresAt"/>.</summary>
    Ready = 1,

    /// <summary>The worker gave up after <see cref="DataCopyPreparer.MaxAttempts"/> tries; the person may ask again at once.</summary>
    Failed = 2,
}

/// <summary>
/// One copy of the data held about a person (PIPL art. 45): asked for by the account itself at <c>/me/data</c>, or by an
/// admin answering a request made on paper (<c>/admin/privacy-requests</c>, <see cref="ForRequest"/>). The row is the
/// job: the worker prepares rows still <see cref="DataCopyStatus.Preparing"/>, so a restart loses none. The two files
/// are stored sealed under the field key ring, each bound to this row (<see cref="DataCopyVault"/>), and the row is
/// deleted <see cref="DataCopyOptions.KeepFor"/> after the request.
/// </summary>
public sealed class DataCopy
{
    public int Id { get; set; }

    /// <summary>The account the copy is about (null for a record without an account, found by an admin).</summary>
    public string? SubjectUserId { get; set; }

    /// <summary>The candidate record the copy is about (null for an account without a linked record).</summary>
    public int? SubjectCandidateId { get; set; }

    /// <summary>Who asked: the account itself, or the admin who answered a paper request. Only they may download.</summary>
    public string RequestedByUserId { get; set; } = "";

    /// <summary>Prepared by an admin for a request made on paper: the ID number is masked in it (docs/data-copy.md).</summary>
    public bool ForRequest { get; set; }

    /// <summary>The language of the PDF (zh-CN or en-US): the requester's at the time of the request.</summary>
    public string Culture { get; set; } = "";

    public DataCopyStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    /// <summary>The end of the download link: <see cref="ReadyAt"/> + <see cref="DataCopyOptions.LinkLifetime"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the row and its files are deleted (<see cref="DataCopyOptions.KeepFor"/> after the request).</summary>
    public DateTimeOffset RemoveAt { get; set; }

    /// <summary>A worker's claim: another instance leaves the row alone until then (a crashed worker's claim runs out).</summary>
    public DateTimeOffset? ClaimedUntil { get; set; }

    public int Attempts { get; set; }

    public byte[]? SealedJson { get; set; }

    public byte[]? SealedPdf { get; set; }

    /// <summary>What the person sees: preparing, ready, expired (link ended) or failed.</summary>
    public DataCopyState StateAt(DateTimeOffset now) => Status switch
    {
        DataCopyStatus.Preparing => DataCopyState.Preparing,
        DataCopyStatus.Failed => DataCopyState.Failed,
        _ when ExpiresAt is { } end && now < end => DataCopyState.Ready,
        _ => DataCopyState.Expired,
    };
}

/// <summary>The state a page shows for a copy.</summary>
public enum DataCopyState
{
    Preparing,
    Ready,
    Expired,
    Failed,
}

internal sealed class DataCopyConfiguration : IEntityTypeConfiguration<DataCopy>
{
    public void Configure(EntityTypeBuilder<DataCopy> builder)
    {
        builder.ToTable("DataCopies");
        builder.Property(c => c.SubjectUserId).HasMaxLength(450);
        builder.Property(c => c.RequestedByUserId).HasMaxLength(450);
        builder.Property(c => c.Culture).HasMaxLength(8).IsUnicode(false);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(c => c.RequestedAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(c => c.ReadyAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(c => c.ExpiresAt).HasConversion(UnixTime.NullableMilliseconds);
        builder.Property(c => c.RemoveAt).HasConversion(UnixTime.Milliseconds);
        builder.Property(c => c.ClaimedUntil).HasConversion(UnixTime.NullableMilliseconds);
        builder.HasIndex(c => new { c.RequestedByUserId, c.RequestedAt });
        builder.HasIndex(c => c.Status);
        builder.HasIndex(c => c.RemoveAt);
        // No foreign keys: a copy outlives neither its account nor its record by more than KeepFor, and a closed
        // account must not be held back by a copy it asked for.
    }
}
