using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Batches;

public sealed record RetractBatchRequest(int BatchId, string UserId, string? Reason);

/// <summary>
/// Takes a published batch back, with a reason, in one transaction: for every (registration, subject) whose current
/// score came from this batch, the latest version from another published batch becomes current again (none: the
/// subject shows no score); the session is unpublished when no published batch is left; who passed is decided again
/// (certificates resting on the batch are revoked); the <see cref="ResultChanged"/> event is raised (reports of the
/// candidates are superseded with it). Nothing is deleted. A correction is then a new import.
/// </summary>
public sealed class RetractBatch(
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    Outcomes outcomes,
    ResultEvents events,
    AuditLog audit,
    SessionCatalog sessionCatalog,
    HybridCache cache,
    TimeProvider time,
    ILogger<RetractBatch> logger)
{
    public async Task<BatchActionResult> HandleAsync(RetractBatchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.UserId)) return BatchActionResult.Refused(BatchErrors.UserRequired, request.BatchId);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.ResultBatches.AsNoTracking()
            .Where(b => b.Id == request.BatchId)
            .Select(b => new { b.Status, b.Fingerprint, b.ExamSessionId, b.Version })
            .FirstOrDefaultAsync(ct);
        var error = batch switch
        {
            null => BatchErrors.NotFound,
            { Status: not ResultBatchStatus.Published } => BatchErrors.NotPublished,
            _ => BatchErrors.CheckReason(request.Reason, out _),
        };
        if (error is not null) return await RefuseAsync(request, error, batch?.Fingerprint, batch?.Status);
        BatchErrors.CheckReason(request.Reason, out var reason);

        var now = time.GetUtcNow();
        var started = time.GetTimestamp();
        var restored = 0;
        var sessionUnpublished = false;
        OutcomeChanges changes = default!;
        AuditIntent? intent = null;
        // One unit of work inside the execution strategy: a transient fault rolls it back and runs it again. When the
        // fault hid whether the commit happened, the batch is asked first: retracted by this call (its user and time)
        // means done, with what the committing attempt counted.
        var retracted = await db.InTransactionAsync(async (tx, ct) =>
        {
            var batchId = request.BatchId;
            var claimed = await db.ResultBatches
                .Where(b => b.Id == batchId && b.Status == ResultBatchStatus.Published)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(b => b.Status, ResultBatchStatus.Retracted)
                    .SetProperty(b => b.RetractedAt, now)
                    .SetProperty(b => b.RetractedByUserId, request.UserId)
                    .SetProperty(b => b.Reason, reason), ct);
            if (claimed == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return false;
            }

            // While this batch's rows are still current they mark the pairs to restore: for each, the highest version
            // from another published batch (this one is no longer published).
            restored = await db.SubjectScores
                .Where(s => s.ResultBatchId != batchId && s.ResultBatch.Status == ResultBatchStatus.Published
                            && db.SubjectScores.Any(r => r.ResultBatchId == batchId && r.IsCurrent && r.ReviewRequestId == null
                                                         && r.RegistrationId == s.RegistrationId && r.SubjectId == s.SubjectId)
                            && !db.SubjectScores.Any(h => h.RegistrationId == s.RegistrationId && h.SubjectId == s.SubjectId
                                                          && h.Version > s.Version && h.ResultBatchId != batchId
                                                          && h.ResultBatch.Status == ResultBatchStatus.Published))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.IsCurrent, true)
                    .SetProperty(s => s.SupersededAt, (DateTimeOffset?)null), ct);
            // A review decision (which carries the batch of the score it replaced) stays current: retracting the batch
            // does not silently undo a decided review; the batch page flags such subjects.
            await db.SubjectScores
                .Where(s => s.ResultBatchId == batchId && s.IsCurrent && s.ReviewRequestId == null)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.IsCurrent, false)
                    .SetProperty(s => s.SupersededAt, now), ct);

            sessionUnpublished = !await db.ResultBatches.AnyAsync(
                b => b.ExamSessionId == batch!.ExamSessionId && b.Status == ResultBatchStatus.Published, ct);
            if (sessionUnpublished)
            {
                await db.ExamSessions.Where(s => s.Id == batch!.ExamSessionId)
                    .ExecuteUpdateAsync(set => set.SetProperty(s => s.PublishedAt, (DateTimeOffset?)null), ct);
            }

            changes = await outcomes.RecomputeAsync(db, await Outcomes.CandidatesOfBatchAsync(db, batchId, ct), ct);
            await events.RaiseAsync(db, ResultChanged.Retracted(batch!.ExamSessionId, batchId, now), ct);
            // The audit entry is promised in the same commit (AuditIntent): never a retraction without its entry.
            intent = audit.Intend(db, BatchAudit.Record(AuditActions.BatchRetract, request.UserId, batchId, batch.Fingerprint, BatchAudit.Done,
                new Dictionary<string, string?>
                {
                    ["sessionId"] = batch.ExamSessionId.ToString(CultureInfo.InvariantCulture),
                    ["version"] = batch.Version.ToString(CultureInfo.InvariantCulture),
                    ["reasonSha256"] = BatchAudit.ReasonHash(reason),
                    ["scoresRestored"] = restored.ToString(CultureInfo.InvariantCulture),
                    ["sessionUnpublished"] = sessionUnpublished ? "true" : "false",
                    ["certificatesIssued"] = changes.Issued.ToString(CultureInfo.InvariantCulture),
                    ["certificatesRevoked"] = changes.Revoked.ToString(CultureInfo.InvariantCulture),
                }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return true;
        }, async ct =>
        {
            var stored = await db.ResultBatches.AsNoTracking().Where(b => b.Id == request.BatchId)
                .Select(b => new { b.Status, b.RetractedByUserId, b.RetractedAt }).SingleAsync(ct);
            return stored.Status == ResultBatchStatus.Retracted && stored.RetractedByUserId == request.UserId
                   && stored.RetractedAt?.ToUnixTimeMilliseconds() == now.ToUnixTimeMilliseconds()
                ? DatabaseTransactions.Committed(true)
                : DatabaseTransactions.NotCommitted<bool>();
        }, ct);
        if (!retracted) return await RefuseAsync(request, BatchErrors.NotPublished, batch!.Fingerprint, null);

        logger.LogInformation("Batch {BatchId} retracted: {Restored} earlier scores restored, {Issued} certificates issued, {Revoked} revoked in {Elapsed}",
            request.BatchId, restored, changes.Issued, changes.Revoked, time.GetElapsedTime(started));

        await ResultCaches.AfterResultsChangedAsync(sessionCatalog, cache);
        // Its entry was promised in the transaction: a kill before this line leaves it to the outbox worker.
        if (intent is not null) await audit.CommitIntentAsync(intent, CancellationToken.None);

        return new BatchActionResult(null)
        {
            BatchId = request.BatchId,
            Fingerprint = batch!.Fingerprint,
            Status = ResultBatchStatus.Retracted,
            Scores = restored,
            Outcomes = changes,
        };
    }

    private async Task<BatchActionResult> RefuseAsync(RetractBatchRequest request, string error, string? fingerprint, ResultBatchStatus? status)
    {
        await audit.WriteDurableAsync(BatchAudit.Refusal(AuditActions.BatchRetract, request.UserId, request.BatchId, fingerprint, error), CancellationToken.None);
        return BatchActionResult.Refused(error, request.BatchId, fingerprint, status);
    }
}
