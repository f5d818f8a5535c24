using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

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

        var reasonError = BatchErrors.CheckReason(request.Reason, out var reason);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await TwoPersonRule.DecideAsync(db, audit, time.GetUtcNow(), AuditActions.BatchReject,
            request.BatchId, request.UserId, ResultBatchStatus.Rejected, reason, _ => Task.FromResult(reasonError), ct);
    }
}
