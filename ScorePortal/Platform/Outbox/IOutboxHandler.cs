namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Delivers the messages of one <see cref="Kind"/>. Register one per kind with
/// <c>services.AddSingleton&lt;IOutboxHandler, MyHandler&gt;()</c>. A handler returns when the message has been handed
/// over for good and throws otherwise; <see cref="PermanentDeliveryException"/> means retrying cannot help. Failed
/// attempts are retried by the portal's default policy (<see cref="OutboxOptions"/>) unless the handler declares its
/// own <see cref="RetryPolicy"/>.
/// </summary>
public interface IOutboxHandler
{
    string Kind { get; }

    /// <summary>This kind's own attempts and waits; null (the default) takes the portal's from <see cref="OutboxOptions"/>.</summary>
    OutboxRetryPolicy? RetryPolicy => null;

    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// A delivery that can never succeed (e.g. an address the server refuses for good): the message is dead at once.
/// Its <see cref="Exception.Message"/> is stored and logged, so it must not contain an address or any other PII.
/// </summary>
public sealed class PermanentDeliveryException(string safeReason, Exception? inner = null) : Exception(safeReason, inner);
