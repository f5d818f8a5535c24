using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>
/// Turns a result change into notices: for every affected candidate (<see cref="ResultChanged.Candidates"/>, read in
/// pages of <see cref="PageSize"/>) with an active consent to an enterprise that has a callback and is not suspended,
/// where the consent covers the qualification of the changed results (the candidate's registration in the event's
/// session), one <see cref="WebhookDelivery"/> and one outbox message of <see cref="WebhookDeliveryHandler.Kind"/>, saved
/// together. A repeated event adds nothing: (EventId, ConsentId) is unique, existing pairs are skipped, and a pair
/// written meanwhile by another worker makes the page start over instead of failing.
/// </summary>
/// <remarks>
/// Which event a publication is for one employee: <c>result.superseded</c> when the employee had a result of that
/// session released before by an earlier version of the session's batches (a correction replaced it), otherwise
/// <c>result.published</c>. A retraction is <c>result.retracted</c>, a score-changing review decision <c>result.changed</c>.
/// </remarks>
public sealed class ResultChangedWebhooks(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time, ILogger<ResultChangedWebhooks> logger)
    : IResultChangedSubscriber
{
    private const int Tries = 3;

    /// <summary>Candidates read per query (and their notices saved per SaveChanges).</summary>
    internal int PageSize { get; init; } = 500;

    public async Task OnResultChangedAsync(ResultChanged change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Most changes concern no enterprise with a callback at all: one cheap question before 400,000 candidates.
        if (!await db.Enterprises.AnyAsync(e => e.WebhookUrl != null && e.SuspendedAt == null, cancellationToken)) return;

        var batchVersion = change.Kind == ResultChangeKind.Published
            ? await db.ResultBatches.Where(b => b.Id == change.BatchId).Select(b => (int?)b.Version).FirstOrDefaultAsync(cancellationToken)
            : null;
        var created = 0;
        var last = 0;
        while (true)
        {
            var after = last;
            var page = await change.Candidates(db).Where(id => id > after).Take(PageSize).ToListAsync(cancellationToken);
            if (page.Count == 0) break;
            created += await NotifyAsync(db, change, batchVersion, page, cancellationToken);
            last = page[^1];
            if (page.Count < PageSize) break;
        }
        if (created > 0)
            logger.LogInformation("Result event {EventId} ({Kind}): {Count} webhook notices queued", change.EventId, change.Kind, created);
    }

    /// <summary>Queues the notices of one page of candidates; returns how many were new.</summary>
    private async Task<int> NotifyAsync(ScorePortalDbContext db, ResultChanged change, int? batchVersion, List<int> candidates, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryNotifyAsync(db, change, batchVersion, candidates, ct);
            }
            catch (DbUpdateException) when (attempt < Tries)
            {
                // Another worker wrote some of these pairs meanwhile (the unique index refused ours): read again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<int> TryNotifyAsync(ScorePortalDbContext db, ResultChanged change, int? batchVersion, List<int> candidates, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var sessionId = change.SessionId;
        var targets = await (
            from c in db.Consents
            where candidates.Contains(c.CandidateId) && c.RevokedAt == null && c.ClosedAt == null && c.ExpiresAt > now
                  && c.Enterprise.WebhookUrl != null && c.Enterprise.SuspendedAt == null
            from r in db.Registrations
            where r.CandidateId == c.CandidateId && r.ExamSessionId == sessionId
                  && c.Qualifications.Any(q => q.QualificationId == r.QualificationId)
            select new { ConsentId = c.Id, c.EnterpriseId, c.EmployeeId, RegistrationId = r.Id })
            .ToListAsync(ct);
        if (targets.Count == 0) return 0;

        var consentIds = targets.Select(t => t.ConsentId).ToList();
        var eventId = change.EventId;
        var existing = (await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.EventId == eventId && consentIds.Contains(d.ConsentId))
            .Select(d => d.ConsentId).ToListAsync(ct)).ToHashSet();
        targets.RemoveAll(t => existing.Contains(t.ConsentId));
        if (targets.Count == 0) return 0;

        var hadEarlierRelease = new HashSet<int>();
        if (change.Kind == ResultChangeKind.Published && batchVersion is { } version)
        {
            // An earlier batch version of this session, published at some time, held a score of the registration.
            var registrations = targets.Select(t => t.RegistrationId).Distinct().ToList();
            var batchId = change.BatchId;
            hadEarlierRelease = (await db.SubjectScores.AsNoTracking()
                .Where(s => registrations.Contains(s.RegistrationId) && s.ResultBatchId != batchId
                            && s.ResultBatch.PublishedAt != null && s.ResultBatch.Version < version)
                .Select(s => s.RegistrationId).Distinct().ToListAsync(ct)).ToHashSet();
        }

        foreach (var target in targets)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                EnterpriseId = target.EnterpriseId,
                ConsentId = target.ConsentId,
                EventId = eventId,
                Event = WebhookEvents.Of(change.Kind, hadEarlierRelease.Contains(target.RegistrationId)),
                EmployeeId = target.EmployeeId,
                IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(),
                OccurredAt = change.At,
                CreatedAt = now,
                Status = WebhookDeliveryStatus.Pending,
            });
            db.Enqueue(WebhookDeliveryHandler.Kind, new WebhookNotice(eventId, target.ConsentId));
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return targets.Count;
    }
}
