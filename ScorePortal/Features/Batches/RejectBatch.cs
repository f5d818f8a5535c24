using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Audit;

namespace ScorePortal.Features.Batches;

public sealed record RejectBatchRequest(int BatchId, string UserId, string? Reason);

/// <summary>
/// The approver refuses a validated batch, with a reason; its scores never become current (they stay as history).
/// As with approval, the importer cannot decide on their own batch.
/// </summary>
public sealed class RejectBatch(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    public async Task<BatchActionResult> HandleAsync(RejectBatchRequest request, CancellationToken ct = default)
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
            _ => BatchErrors.CheckReason(request.Reason, out _),
        };
        BatchErrors.CheckReason(request.Reason, out var reason);

        var now = time.GetUtcNow();
        if (error is null && await db.ResultBatches
                .Where(b => b.Id == request.BatchId && b.Status == ResultBatchStatus.Validated && b.ImportedByUserId != request.UserId)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(b => b.Status, ResultBatchStatus.Rejected)
                    .SetProperty(b => b.ApprovedByUserId, request.UserId)
                    .SetProperty(b => b.ApprovedAt, now)
                    .SetProperty(b => b.Reason, reason), ct) == 0)
        {
            error = BatchErrors.NotAwaitingApproval;
        }

        if (error is not null)
        {
            await audit.WriteDurableAsync(BatchAudit.Refusal(AuditActions.BatchReject, request.UserId, request.BatchId, batch?.Fingerprint, error), CancellationToken.None);
            return BatchActionResult.Refused(error, request.BatchId, batch?.Fingerprint, batch?.Status);
        }

        await audit.WriteDurableAsync(BatchAudit.Record(AuditActions.BatchReject, request.UserId, request.BatchId, batch!.Fingerprint, BatchAudit.Done,
            [new("reasonSha256", BatchAudit.ReasonHash(reason))]), CancellationToken.None);
        return new BatchActionResult(null) { BatchId = request.BatchId, Fingerprint = batch.Fingerprint, Status = ResultBatchStatus.Rejected };
    }
}
