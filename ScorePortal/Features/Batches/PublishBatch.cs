using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Batches;

public enum PublishMode
{
    /// <summary>"Publish now" by an admin: a release time still ahead is brought forward to now (the UI confirms it first).</summary>
    Now,

    /// <summary>The scheduler at the release time: refused while the release time is ahead.</summary>
    AtReleaseTime,
}

public sealed record PublishBatchRequest(int BatchId, string UserId, PublishMode Mode = PublishMode.Now);

/// <summary>
/// Makes an approved batch's scores the current ones, in one transaction: the batch becomes published, older
/// versions of the same (registration, subject) are superseded (kept as history), the session is marked published,
/// who passed is decided again for every candidate in the batch (certificates issued or revoked), and the
/// <see cref="ResultChanged"/> event is raised (reports of the candidates are superseded with it). Nothing is
/// published when the stored rows no longer match the approved fingerprint. A crash or
/// failure at any point leaves the database as it was; the caches are refreshed only after the commit.
/// </summary>
public sealed class PublishBatch(
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    Outcomes outcomes,
    ResultEvents events,
    AuditLog audit,
    SessionCatalog sessionCatalog,
    HybridCache cache,
    TimeProvider time,
    ILogger<PublishBatch> logger)
{
    public async Task<BatchActionResult> HandleAsync(PublishBatchRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.UserId)) return BatchActionResult.Refused(BatchErrors.UserRequired, request.BatchId);

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.ResultBatches.AsNoTracking()
            .Where(b => b.Id == request.BatchId)
            .Select(b => new { b.Status, b.ImportedByUserId, b.Fingerprint, b.ExamSessionId, b.Version, b.ExamSession.ReleaseAt })
            .FirstOrDefaultAsync(ct);

        var error = batch switch
        {
            null => BatchErrors.NotFound,
            { Status: not ResultBatchStatus.Approved } => BatchErrors.NotApproved,
            // Bringing results out early is a decision of its own: not by the importer alone.
            _ when request.Mode == PublishMode.Now && batch.ImportedByUserId == request.UserId => BatchErrors.OwnBatch,
            _ when request.Mode == PublishMode.AtReleaseTime && batch.ReleaseAt > now => BatchErrors.NotDue,
            _ => null,
        };
        if (error is not null) return await RefuseAsync(request, error, batch?.Fingerprint, batch?.Status);

        var scores = 0;
        OutcomeChanges changes = default!;
        DateTimeOffset? releaseMovedFrom = null;
        var releaseAt = default(DateTimeOffset);
        var started = time.GetTimestamp();
        AuditIntent? intent = null;
        Dictionary<string, string?> Data()
        {
            var data = new Dictionary<string, string?>
            {
                ["mode"] = request.Mode.ToString(),
                ["sessionId"] = batch!.ExamSessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["version"] = batch.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["scores"] = scores.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["certificatesIssued"] = changes.Issued.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["certificatesRevoked"] = changes.Revoked.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (releaseMovedFrom is { } from) data["releaseMovedFrom"] = from.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            return data;
        }
        // One unit of work inside the execution strategy: a transient fault rolls it back and runs it again. When the
        // fault hid whether the commit happened (its acknowledgement lost), the batch is asked first: published by this
        // call (its user and time) means done, with what the committing attempt counted; a second run would only be
        // refused by the conditional claim as "not approved".
        var refusal = await db.InTransactionAsync<string?>(async (tx, ct) =>
        {
            releaseMovedFrom = null;
            // First write of the transaction, and conditional: of two publishers at once (the scheduler on two
            // instances, or the scheduler and an admin) exactly one gets the row.
            var claimed = await db.ResultBatches
                .Where(b => b.Id == request.BatchId && b.Status == ResultBatchStatus.Approved)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(b => b.Status, ResultBatchStatus.Published)
                    .SetProperty(b => b.PublishedAt, now)
                    .SetProperty(b => b.PublishedByUserId, request.UserId), ct);
            if (claimed == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return BatchErrors.NotApproved;
            }

            var batchId = request.BatchId;
            // The rows going live are the rows the second admin approved: recomputed inside the transaction (which
            // holds the write lock), so a score, name or ID number changed in the database after the approval — or a
            // ciphertext moved from another row — stops the publication.
            if (await BatchFingerprint.ComputeAsync(db, batchId, ct) != batch!.Fingerprint)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return BatchErrors.ContentChanged;
            }
            // Earlier versions of every (registration, subject) in this batch stop being current; they stay as history.
            // A review decision is the exception: it stays current over this batch's row for its subject (the batch
            // preview flags those rows), so a correction never silently undoes a decided review.
            await db.SubjectScores
                .Where(s => s.IsCurrent && s.ResultBatchId != batchId && s.ReviewRequestId == null
                            && db.SubjectScores.Any(n => n.ResultBatchId == batchId && n.RegistrationId == s.RegistrationId && n.SubjectId == s.SubjectId))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.IsCurrent, false)
                    .SetProperty(s => s.SupersededAt, now), ct);
            scores = await db.SubjectScores
                .Where(s => s.ResultBatchId == batchId && s.ReviewRequestId == null
                            && !db.SubjectScores.Any(d => d.IsCurrent && d.ReviewRequestId != null
                                                          && d.RegistrationId == s.RegistrationId && d.SubjectId == s.SubjectId))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.IsCurrent, true)
                    .SetProperty(s => s.SupersededAt, (DateTimeOffset?)null), ct);

            var session = await db.ExamSessions.SingleAsync(s => s.Id == batch!.ExamSessionId, ct);
            if (request.Mode == PublishMode.Now && session.ReleaseAt > now)
            {
                releaseMovedFrom = session.ReleaseAt;
                session.ReleaseAt = now;
            }
            session.PublishedAt ??= now;
            releaseAt = session.ReleaseAt;
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();

            changes = await outcomes.RecomputeAsync(db, await Outcomes.CandidatesOfBatchAsync(db, batchId, ct), ct);
            await events.RaiseAsync(db, ResultChanged.Published(batch.ExamSessionId, batchId, now), ct);
            // The audit entry is promised in the same commit (AuditIntent): never a publication without its entry.
            intent = audit.Intend(db, BatchAudit.Record(AuditActions.BatchPublish, request.UserId, batchId, batch.Fingerprint, BatchAudit.Done, Data()));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return null;
        }, async ct =>
        {
            var stored = await db.ResultBatches.AsNoTracking().Where(b => b.Id == request.BatchId)
                .Select(b => new { b.Status, b.PublishedByUserId, b.PublishedAt }).SingleAsync(ct);
            return stored.Status == ResultBatchStatus.Published && stored.PublishedByUserId == request.UserId
                   && stored.PublishedAt?.ToUnixTimeMilliseconds() == now.ToUnixTimeMilliseconds()
                ? DatabaseTransactions.Committed<string?>(null)
                : DatabaseTransactions.NotCommitted<string?>();
        }, ct);
        if (refusal == BatchErrors.ContentChanged)
        {
            logger.LogWarning("Batch {BatchId} not published: its stored rows no longer match the approved fingerprint", request.BatchId);
            // Always audited, the scheduler's attempts included: this is tampering, not a schedule.
            await audit.WriteDurableAsync(BatchAudit.Refusal(AuditActions.BatchPublish, request.UserId, request.BatchId, batch!.Fingerprint, BatchErrors.ContentChanged), CancellationToken.None);
            return BatchActionResult.Refused(BatchErrors.ContentChanged, request.BatchId, batch.Fingerprint, ResultBatchStatus.Approved);
        }
        if (refusal is not null) return await RefuseAsync(request, refusal, batch!.Fingerprint, null);

        logger.LogInformation("Batch {BatchId} published ({Mode}): {Scores} scores, {Issued} certificates issued, {Revoked} revoked in {Elapsed}",
            request.BatchId, request.Mode, scores, changes.Issued, changes.Revoked, time.GetElapsedTime(started));

        // Committed: nothing below may undo or misreport it, so the caller's cancellation no longer applies.
        await ResultCaches.AfterResultsChangedAsync(sessionCatalog, cache);
        // Its entry was promised in the transaction: a kill before this line leaves it to the outbox worker.
        if (intent is not null) await audit.CommitIntentAsync(intent, CancellationToken.None);

        return new BatchActionResult(null)
        {
            BatchId = request.BatchId,
            Fingerprint = batch!.Fingerprint,
            Status = ResultBatchStatus.Published,
            Scores = scores,
            Outcomes = changes,
            ReleaseMovedFrom = releaseMovedFrom,
            ReleaseAt = releaseAt,
        };
    }

    private async Task<BatchActionResult> RefuseAsync(PublishBatchRequest request, string error, string? fingerprint, ResultBatchStatus? status)
    {
        // The scheduler retries every few seconds; only people's refused attempts are worth an audit entry.
        if (request.Mode == PublishMode.Now)
            await audit.WriteDurableAsync(BatchAudit.Refusal(AuditActions.BatchPublish, request.UserId, request.BatchId, fingerprint, error), CancellationToken.None);
        return BatchActionResult.Refused(error, request.BatchId, fingerprint, status);
    }
}
