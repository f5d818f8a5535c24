using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Results;

/// <summary>
/// Delivers a committed <see cref="ResultChanged"/> to every <see cref="IResultChangedSubscriber"/>, one after the
/// other. One that throws fails the delivery, and the worker retries the whole event later: subscribers that already
/// had it get it again (they tolerate repeats, see <see cref="IResultChangedSubscriber"/>). With no subscriber the
/// event is simply marked delivered.
/// </summary>
internal sealed class ResultChangedOutboxHandler(IEnumerable<IResultChangedSubscriber> subscribers, IDbContextFactory<ScorePortalDbContext> dbFactory)
    : IOutboxHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IResultChangedSubscriber[] _subscribers = subscribers.ToArray();

    public string Kind => OutboxKinds.ResultChanged;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var change = await ReadAsync(message, cancellationToken);
        foreach (var subscriber in _subscribers) await subscriber.OnResultChangedAsync(change, cancellationToken);
    }

    private async Task<ResultChanged> ReadAsync(OutboxMessage message, CancellationToken ct)
    {
        try
        {
            var change = JsonSerializer.Deserialize<ResultChanged>(message.Payload, Json) ?? throw new PermanentDeliveryException("Empty ResultChanged payload.");
            return change.EventId != Guid.Empty ? change : await FromReviewDecisionAsync(message, ct);
        }
        catch (JsonException ex)
        {
            throw new PermanentDeliveryException("Unreadable ResultChanged payload.", ex);
        }
    }

    /// <summary>
    /// A message queued before result events existed: a review decision's payload (candidate, registration, subject,
    /// case number, time), left waiting without a handler. Its reports were superseded then; it is told to the
    /// subscribers as the event it would be now, with an id derived from the message so a repeat carries the same one.
    /// </summary>
    private async Task<ResultChanged> FromReviewDecisionAsync(OutboxMessage message, CancellationToken ct)
    {
        var old = JsonSerializer.Deserialize<EarlierReviewDecision>(message.Payload, Json);
        if (old is not { RegistrationId: > 0, CaseNumber: not null }) throw new PermanentDeliveryException("ResultChanged payload without an event.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var review = await db.SubjectScores.AsNoTracking()
            .Where(s => s.RegistrationId == old.RegistrationId && s.SubjectId == old.SubjectId && s.ReviewRequestId != null)
            .OrderByDescending(s => s.Version)
            .Select(s => new { ReviewRequestId = s.ReviewRequestId!.Value, s.ResultBatchId, s.Registration.ExamSessionId })
            .FirstOrDefaultAsync(ct) ?? throw new PermanentDeliveryException("ResultChanged payload of an unknown review decision.");
        Span<byte> id = stackalloc byte[16];
        BitConverter.TryWriteBytes(id, message.Id);
        return new ResultChanged(new Guid(id), ResultChangeKind.ReviewDecided, review.ExamSessionId, old.ChangedAt, review.ResultBatchId,
            review.ReviewRequestId, old.CaseNumber, old.CandidateId, old.RegistrationId, old.SubjectId);
    }

    /// <summary>The payload review decisions queued before result events existed.</summary>
    private sealed record EarlierReviewDecision(int CandidateId, int RegistrationId, int SubjectId, string? CaseNumber, DateTimeOffset ChangedAt);
}
