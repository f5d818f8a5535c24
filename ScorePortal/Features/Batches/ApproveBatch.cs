using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Audit;

namespace ScorePortal.Features.Batches;

/// <param name="ExpectedFingerprint">The fingerprint the approver checked in the preview (or was sent by the
/// importer out of band); when given, it must match the stored one.</param>
public sealed record ApproveBatchRequest(int BatchId, string UserId, string? ExpectedFingerprint = null);

/// <summary>
/// The second pair of eyes: a validated batch becomes approved, never by the admin who imported it. Its scores stay
/// invisible until publication.
/// </summary>
public sealed class ApproveBatch(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public async Task<BatchActionResult> HandleAsync(ApproveBatchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.UserId)) return BatchActionResult.Refused(BatchErrors.UserRequired, request.BatchId);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.ResultBatches.AsNoTracking()
            .Where(b => b.Id == request.BatchId)
            .Select(b => new { b.Status, b.ImportedByUserId, b.Fingerprint })
            .FirstOrDefaultAsync(ct);

        var error = batch switch
        {
            null => BatchErrors.NotFound,
            { Status: not ResultBatchStatus.Validated } => BatchErrors.NotAwaitingApproval,
            _ when batch.ImportedByUserId == request.UserId => BatchErrors.OwnBatch,
            _ when request.ExpectedFingerprint is { } expected && !FingerprintsMatch(expected, batch.Fingerprint) => BatchErrors.FingerprintMismatch,
            _ => null,
        };

        // What is approved must be what was imported: the fingerprint is recomputed from the stored rows, so a score
        // changed in the database after the import (by hand or by a bug) stops the batch here.
        if (error is null && await BatchFingerprint.ComputeAsync(db, request.BatchId, ct) != batch!.Fingerprint)
            error = BatchErrors.ContentChanged;

        var now = time.GetUtcNow();
        // The conditional update is the check that counts: two approvers (or an approver and a rejecter) at once
        // cannot both succeed.
        if (error is null && await db.ResultBatches
                .Where(b => b.Id == request.BatchId && b.Status == ResultBatchStatus.Validated && b.ImportedByUserId != request.UserId)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(b => b.Status, ResultBatchStatus.Approved)
                    .SetProperty(b => b.ApprovedByUserId, request.UserId)
                    .SetProperty(b => b.ApprovedAt, now), ct) == 0)
        {
            error = BatchErrors.NotAwaitingApproval;
        }

        if (error is not null)
        {
            await audit.WriteDurableAsync(BatchAudit.Refusal(AuditActions.BatchApprove, request.UserId, request.BatchId, batch?.Fingerprint, error), CancellationToken.None);
            return BatchActionResult.Refused(error, request.BatchId, batch?.Fingerprint, batch?.Status);
        }

        await audit.WriteDurableAsync(BatchAudit.Record(AuditActions.BatchApprove, request.UserId, request.BatchId, batch!.Fingerprint, BatchAudit.Done), CancellationToken.None);
        return new BatchActionResult(null) { BatchId = request.BatchId, Fingerprint = batch.Fingerprint, Status = ResultBatchStatus.Approved };
    }

    /// <summary>Hex is compared case-insensitively and without any white space (pasted from a message, grouped in fours).</summary>
    public static bool FingerprintsMatch(string expected, string actual) =>
        string.Equals(string.Concat(expected.Where(c => !char.IsWhiteSpace(c))), actual.Trim(), StringComparison.OrdinalIgnoreCase);
}
