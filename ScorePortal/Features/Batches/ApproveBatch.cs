using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

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
        return await TwoPersonRule.DecideAsync(db, audit, time.GetUtcNow(), AuditActions.BatchApprove,
            request.BatchId, request.UserId, ResultBatchStatus.Approved, reason: null, async batch =>
            {
                if (request.ExpectedFingerprint is { } expected && !FingerprintsMatch(expected, batch.Fingerprint))
                    return BatchErrors.FingerprintMismatch;
                // What is approved must be what was imported: the fingerprint is recomputed from the stored rows, so a
                // score changed in the database after the import (by hand or by a bug) stops the batch here.
                return await BatchFingerprint.ComputeAsync(db, request.BatchId, ct) != batch.Fingerprint ? BatchErrors.ContentChanged : null;
            }, ct);
    }

    /// <summary>Hex is compared case-insensitively and without any white space (pasted from a message, grouped in fours).</summary>
    public static bool FingerprintsMatch(string expected, string actual) =>
        string.Equals(string.Concat(expected.Where(c => !char.IsWhiteSpace(c))), actual.Trim(), StringComparison.OrdinalIgnoreCase);
}
