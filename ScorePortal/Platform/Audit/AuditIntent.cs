using System.Text.Json;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// An audit record promised inside the transaction of the change it reports, so a crash between the commit and the
/// record's own commit cannot leave the change without its entry (issue #26: "as before or as after, never between").
/// <see cref="AuditLog.Intend"/> adds an outbox row of kind <see cref="AuditIntentHandler.Kind"/> to the caller's
/// context; after the commit the caller hands the intent to <see cref="AuditLog.CommitIntentAsync"/>
/// as it would the record. The writer appends the entry and marks the row delivered in one transaction, and an entry
/// whose row is already marked is not appended again: when the process died before that, the outbox worker (after
/// <see cref="AuditLog.IntentGrace"/>, on any instance, after a restart) appends it from the row — exactly once either way.
/// </summary>
public sealed class AuditIntent
{
    internal AuditIntent(OutboxMessage message, AuditRecord record, DateTimeOffset at)
    {
        Message = message;
        Record = record;
        At = at;
    }

    internal OutboxMessage Message { get; }

    /// <summary>The outbox row that carries the promise (known once the change is saved).</summary>
    public long MessageId => Message.Id;

    internal AuditRecord Record { get; }

    internal DateTimeOffset At { get; }
}

/// <summary>The outbox row's payload: the record as the caller made it (origin included) and when.</summary>
internal sealed record AuditIntentPayload(
    string Action,
    string? ActorUserId,
    string? ActorRole,
    string? TargetType,
    string? TargetId,
    string? SourceIp,
    Dictionary<string, string?>? Data,
    DateTimeOffset At)
{
    public static AuditIntentPayload From(AuditRecord record, DateTimeOffset at) => new(record.Action, record.ActorUserId,
        record.ActorRole, record.TargetType, record.TargetId, record.SourceIp,
        record.Data is null ? null : new Dictionary<string, string?>(record.Data), at);

    public AuditRecord ToRecord() => new(Action, ActorUserId, ActorRole, TargetType, TargetId, SourceIp, Data);
}

/// <summary>
/// Appends the entry of an intent whose writer never confirmed it (the process died after the change's commit). The
/// writer's claim on the row decides: when the entry is already there, the append is skipped and this succeeds.
/// </summary>
/// The entry is stamped with the time of this append (a chain's times stay in order) and carries the change's own time
/// as <c>intendedAt</c>.
internal sealed class AuditIntentHandler(AuditLog log, TimeProvider time, ILogger<AuditIntentHandler> logger) : IOutboxHandler
{
    public const string Kind = "audit";

    string IOutboxHandler.Kind => Kind;

    /// <summary>An entry is never given up: a failing audit log (full disk) is retried for as long as it takes.</summary>
    public OutboxRetryPolicy RetryPolicy { get; } = new(10_000, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<AuditIntentPayload>(message.Payload, OutboxEnqueueExtensions.PayloadJson)
                      ?? throw new PermanentDeliveryException("The audit intent's payload is empty.");
        var record = payload.ToRecord();
        var data = new Dictionary<string, string?>(record.Data ?? new Dictionary<string, string?>())
        {
            ["intendedAt"] = payload.At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (await log.WriteIntendedAsync(record with { Data = data }, time.GetUtcNow(), message.Id, cancellationToken))
            logger.LogWarning("The audit entry {Action} of outbox message {MessageId} was appended after its change's commit by the recovery (the process that made the change stopped before writing it)",
                payload.Action, message.Id);
    }
}
