using System.Text.Json.Serialization;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Results;

/// <summary>What changed the published results.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultChangeKind>))]
public enum ResultChangeKind
{
    /// <summary>A batch was published: its scores are current now (<see cref="ResultChanged.BatchId"/>).</summary>
    Published,

    /// <summary>A published batch was taken back: earlier versions are current again (<see cref="ResultChanged.BatchId"/>).</summary>
    Retracted,

    /// <summary>A review decision changed one subject's score of one candidate.</summary>
    ReviewDecided,
}

/// <summary>
/// The published results changed: one event per publication, retraction or score-changing review decision, raised
/// with <see cref="ResultEvents.RaiseAsync"/> in the transaction of the change. It names what changed, not whom: a
/// batch can hold 400,000 candidates, so a subscriber that needs them reads them with <see cref="Candidates"/> (in
/// pages, if it must). No names, ID numbers or scores: the payload is a handful of ids.
/// </summary>
/// <param name="EventId">Unique per event; a subscriber that must not act twice remembers the ids it has handled.</param>
/// <param name="Kind">Publication, retraction or review decision.</param>
/// <param name="SessionId">The exam session whose results changed.</param>
/// <param name="At">When the change was made (the use case's clock).</param>
/// <param name="BatchId">The batch published or retracted; for a review decision, the batch of the score it replaced.</param>
/// <param name="ReviewRequestId">The decided review (review decisions only), with its <paramref name="CaseNumber"/>.</param>
/// <param name="CandidateId">The one candidate whose result changed (review decisions only).</param>
/// <param name="RegistrationId">The registration whose subject changed (review decisions only).</param>
/// <param name="SubjectId">The subject whose score changed (review decisions only).</param>
public sealed record ResultChanged(
    Guid EventId, ResultChangeKind Kind, int SessionId, DateTimeOffset At, int? BatchId = null,
    int? ReviewRequestId = null, string? CaseNumber = null, int? CandidateId = null, int? RegistrationId = null, int? SubjectId = null)
{
    public static ResultChanged Published(int sessionId, int batchId, DateTimeOffset at) =>
        new(Guid.NewGuid(), ResultChangeKind.Published, sessionId, at, BatchId: batchId);

    public static ResultChanged Retracted(int sessionId, int batchId, DateTimeOffset at) =>
        new(Guid.NewGuid(), ResultChangeKind.Retracted, sessionId, at, BatchId: batchId);

    public static ResultChanged ReviewDecided(int sessionId, int batchId, int reviewRequestId, string caseNumber, int candidateId,
        int registrationId, int subjectId, DateTimeOffset at) =>
        new(Guid.NewGuid(), ResultChangeKind.ReviewDecided, sessionId, at, batchId, reviewRequestId, caseNumber, candidateId, registrationId, subjectId);

    /// <summary>
    /// The candidates whose results this change touched, as a query (ids only, ordered, so it can be read in pages):
    /// everyone with a score in the batch, or the review's candidate.
    /// </summary>
    public IQueryable<int> Candidates(ScorePortalDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return Kind == ResultChangeKind.ReviewDecided
            ? db.Candidates.Where(c => c.Id == CandidateId).Select(c => c.Id)
            : db.SubjectScores.Where(s => s.ResultBatchId == BatchId).Select(s => s.Registration.CandidateId).Distinct().OrderBy(id => id);
    }
}

/// <summary>
/// A part of the portal that must change together with the results, inside the raising transaction: what it writes
/// commits or rolls back with the change itself, and a failure rolls the change back. Keep it to what may never lag
/// behind the results (today: reports of changed figures stop verifying as valid). Everything else subscribes after
/// the commit with <see cref="IResultChangedSubscriber"/>. Register with
/// <c>services.AddSingleton&lt;IResultChangedInTransaction, MyPart&gt;()</c>; it runs once per event.
/// </summary>
public interface IResultChangedInTransaction
{
    /// <summary>Runs in <paramref name="db"/>'s open transaction; writes through <paramref name="db"/> only.</summary>
    Task OnResultChangedAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken cancellationToken);
}

/// <summary>
/// Reacts to a result change after it committed (webhooks to employers, credential status, reminders), delivered by
/// the outbox worker. Register with <c>services.AddSingleton&lt;IResultChangedSubscriber, MySubscriber&gt;()</c>; the
/// use cases that raise the event never change for it. Delivery is at least once: a crash, or another subscriber of
/// the same event throwing, delivers the event again to every subscriber, so a subscriber tolerates repeats (it is
/// idempotent, or remembers <see cref="ResultChanged.EventId"/>). Throwing retries the event with backoff;
/// <see cref="PermanentDeliveryException"/> gives it up. A subscriber added later sees the events raised from then on.
/// </summary>
public interface IResultChangedSubscriber
{
    Task OnResultChangedAsync(ResultChanged change, CancellationToken cancellationToken);
}

/// <summary>
/// The front door of result events. A use case that changes published results raises one event in its transaction:
/// <code>
/// await db.InTransactionAsync(async (tx, ct) =>
/// {
///     // … the change …
///     await events.RaiseAsync(db, ResultChanged.Published(sessionId, batchId, now), ct);
///     await tx.CommitAsync(ct);
/// }, ct);
/// </code>
/// <para>
/// Why two kinds of subscriber: superseding reports used to run inside the publishing transaction, so a report never
/// verified as valid for figures that were no longer current. Moving it behind the outbox would open a window after
/// every commit (milliseconds normally; the poll interval, backoff or an outage of every worker at worst) in which
/// <c>/verify</c> calls a report of the old figures valid, and a verifier acts on that. That gap is not acceptable for
/// a document meant to be trusted, so <see cref="IResultChangedInTransaction"/> keeps such parts in the transaction,
/// invoked here, while the event itself goes to the outbox for <see cref="IResultChangedSubscriber"/>s.
/// </para>
/// </summary>
public sealed class ResultEvents(IEnumerable<IResultChangedInTransaction> inTransaction)
{
    private readonly IResultChangedInTransaction[] _inTransaction = inTransaction.ToArray();

    /// <summary>
    /// Runs the in-transaction parts, adds the event to the outbox as one message of kind
    /// <see cref="OutboxKinds.ResultChanged"/> and saves <paramref name="db"/> (pending changes of the caller included).
    /// Nothing is visible before the caller commits; a rollback takes the event back with the change.
    /// </summary>
    /// <exception cref="InvalidOperationException">No transaction is open on <paramref name="db"/>.</exception>
    public async Task RaiseAsync(ScorePortalDbContext db, ResultChanged change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A result event is raised inside the transaction of the change that causes it.");
        foreach (var part in _inTransaction) await part.OnResultChangedAsync(db, change, ct);
        db.Enqueue(OutboxKinds.ResultChanged, change);
        await db.SaveChangesAsync(ct);
    }
}
