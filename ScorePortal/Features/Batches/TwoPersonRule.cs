using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Batches;

/// <summary>
/// The two-person rule, written once for approval and rejection: only a validated batch is decided on, never by the
/// admin who imported it, and the conditional update — not the read before it — is the check that counts, so two
/// deciders at once (an approver and a rejecter, say) cannot both succeed. Both outcomes are audited durably; a decision's
/// entry is promised in its own transaction (AuditIntent).
/// </summary>
internal static class TwoPersonRule
{
    /// <summary>What a decision reads of the batch before deciding.</summary>
    public sealed record Pending(ResultBatchStatus Status, string ImportedByUserId, string Fingerprint);

    /// <summary>
    /// Moves batch <paramref name="batchId"/> from Validated to <paramref name="decision"/> in the name of
    /// <paramref name="userId"/>. <paramref name="check"/> adds the use case's own refusals (a fingerprint, a reason)
    /// once the rule itself is satisfied; <paramref name="reason"/>, when given, is stored on the batch and audited by
    /// its hash.
    /// </summary>
    public static async Task<BatchActionResult> DecideAsync(
        ScorePortalDbContext db, AuditLog audit, DateTimeOffset now, string auditAction,
        int batchId, string userId, ResultBatchStatus decision, string? reason,
        Func<Pending, Task<string?>> check, CancellationToken ct)
    {
        var batch = await db.ResultBatches.AsNoTracking()
            .Where(b => b.Id == batchId)
            .Select(b => new Pending(b.Status, b.ImportedByUserId, b.Fingerprint))
            .FirstOrDefaultAsync(ct);

        var error = batch switch
        {
            null => BatchErrors.NotFound,
            { Status: not ResultBatchStatus.Validated } => BatchErrors.NotAwaitingApproval,
            _ when batch.ImportedByUserId == userId => BatchErrors.OwnBatch,
            _ => await check(batch),
        };

        AuditIntent? intent = null;
        if (error is null)
        {
            // The conditional update and the promise of its audit entry (AuditIntent) commit together: a decision is never
            // without its entry. When a fault hid whether the commit happened, the batch is asked: decided by this user at
            // this time means done.
            var decided = await db.InTransactionAsync(async (tx, ct) =>
            {
                intent = null;
                if (await db.ResultBatches
                        .Where(b => b.Id == batchId && b.Status == ResultBatchStatus.Validated && b.ImportedByUserId != userId)
                        .ExecuteUpdateAsync(set =>
                        {
                            set.SetProperty(b => b.Status, decision)
                                .SetProperty(b => b.ApprovedByUserId, userId)
                                .SetProperty(b => b.ApprovedAt, now);
                            if (reason is not null) set.SetProperty(b => b.Reason, reason);
                        }, ct) == 0)
                {
                    await tx.RollbackAsync(CancellationToken.None);
                    return false;
                }
                intent = audit.Intend(db, BatchAudit.Record(auditAction, userId, batchId, batch!.Fingerprint, BatchAudit.Done,
                    reason is null ? null : [new("reasonSha256", BatchAudit.ReasonHash(reason))]));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return true;
            }, async ct =>
            {
                var stored = await db.ResultBatches.AsNoTracking().Where(b => b.Id == batchId)
                    .Select(b => new { b.Status, b.ApprovedByUserId, b.ApprovedAt }).SingleAsync(ct);
                return stored.Status == decision && stored.ApprovedByUserId == userId
                       && stored.ApprovedAt?.ToUnixTimeMilliseconds() == now.ToUnixTimeMilliseconds()
                    ? DatabaseTransactions.Committed(true)
                    : DatabaseTransactions.NotCommitted<bool>();
            }, ct);
            if (!decided) error = BatchErrors.NotAwaitingApproval;
        }

        if (error is not null)
        {
            await audit.WriteDurableAsync(BatchAudit.Refusal(auditAction, userId, batchId, batch?.Fingerprint, error), CancellationToken.None);
            return BatchActionResult.Refused(error, batchId, batch?.Fingerprint, batch?.Status);
        }

        if (intent is not null) await audit.CommitIntentAsync(intent, CancellationToken.None);
        return new BatchActionResult(null) { BatchId = batchId, Fingerprint = batch!.Fingerprint, Status = decision };
    }

    /// <summary>
    /// Whether <paramref name="userId"/> may bring the release time of session <paramref name="sessionId"/> forward.
    /// An approved batch of the session goes live at that time, so an earlier time is an early publication: like
    /// "publish now", it is refused to the admin who imported such a batch (and to an unnamed actor); the approver or
    /// another admin makes that decision.
    /// </summary>
    public static async Task<bool> MayBringReleaseForwardAsync(ScorePortalDbContext db, int sessionId, string? userId, CancellationToken ct) =>
        !await db.ResultBatches.AnyAsync(b => b.ExamSessionId == sessionId && b.Status == ResultBatchStatus.Approved
                                              && (userId == null || b.ImportedByUserId == userId), ct);
}
