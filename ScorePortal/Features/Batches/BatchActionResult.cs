using ScorePortal.Features.Results;
using ScorePortal.Model;

namespace ScorePortal.Features.Batches;

/// <summary>
/// What an approval, rejection, publication or retraction came to. <see cref="ErrorKey"/> is a resource key
/// (Batches.Error.*) the UI and the command line both show; null when the action was carried out.
/// </summary>
public sealed record BatchActionResult(string? ErrorKey)
{
    public bool Succeeded => ErrorKey is null;

    public int BatchId { get; init; }

    /// <summary>The batch fingerprint the action was taken on (also in the audit entry).</summary>
    public string? Fingerprint { get; init; }

    public ResultBatchStatus? Status { get; init; }

    /// <summary>Scores that became current (publication) or were restored from an earlier version (retraction).</summary>
    public int Scores { get; init; }

    public OutcomeChanges Outcomes { get; init; } = OutcomeChanges.None;

    /// <summary>The announced release time, when "publish now" brought it forward to the moment of publication.</summary>
    public DateTimeOffset? ReleaseMovedFrom { get; init; }

    public DateTimeOffset? ReleaseAt { get; init; }

    public static BatchActionResult Refused(string errorKey, int batchId, string? fingerprint = null, ResultBatchStatus? status = null) =>
        new(errorKey) { BatchId = batchId, Fingerprint = fingerprint, Status = status };
}

/// <summary>The resource keys of refusals, in one place for the pages, the command line and the tests.</summary>
public static class BatchErrors
{
    public const string NotFound = "Batches.Error.NotFound";
    public const string UserRequired = "Batches.Error.UserRequired";
    public const string OwnBatch = "Batches.Error.OwnBatch";
    public const string FingerprintMismatch = "Batches.Error.FingerprintMismatch";
    public const string ContentChanged = "Batches.Error.ContentChanged";
    public const string NotAwaitingApproval = "Batches.Error.NotAwaitingApproval";
    public const string NotApproved = "Batches.Error.NotApproved";
    public const string NotDue = "Batches.Error.NotDue";
    public const string NotPublished = "Batches.Error.NotPublished";
    public const string ReasonRequired = "Batches.Error.ReasonRequired";
    public const string ReasonTooLong = "Batches.Error.ReasonTooLong";

    public const int ReasonMaxLength = 1000;

    /// <summary>Null when the reason is acceptable; trims it.</summary>
    public static string? CheckReason(string? reason, out string trimmed)
    {
        trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0) return ReasonRequired;
        return trimmed.Length > ReasonMaxLength ? ReasonTooLong : null;
    }
}
