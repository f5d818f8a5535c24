namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Delivers the messages of one <see cref="Kind"/>. Register one per kind with
/// <c>services.AddSingleton&lt;IOutboxHandler, MyHandler&gt;()</c>. A handler returns when the message has been handed
/// over for good and throws otherwise; <see cref="PermanentDeliveryException"/> means retrying cannot help.
/// </summary>
public interface IOutboxHandler
{
    string Kind { get; }

    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// A delivery that can never succeed (e.g. an address the server refuses for good): the message is dead at once.
/// Its <see cref="Exception.Message"/> is stored and logged, so it must not contain an address or any other PII.
/// </summary>
public sealed class PermanentDeliveryException(string safeReason, Exception? inner = null) : Exception(safeReason, inner);
