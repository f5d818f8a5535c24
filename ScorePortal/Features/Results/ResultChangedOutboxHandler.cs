using System.Text.Json;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Results;

/// <summary>
/// Delivers a committed <see cref="ResultChanged"/> to every <see cref="IResultChangedSubscriber"/>, one after the
/// other. One that throws fails the delivery, and the worker retries the whole event later: subscribers that already
/// had it get it again (they tolerate repeats, see <see cref="IResultChangedSubscriber"/>). With no subscriber the
/// event is simply marked delivered.
/// </summary>
internal sealed class ResultChangedOutboxHandler(IEnumerable<IResultChangedSubscriber> subscribers) : IOutboxHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IResultChangedSubscriber[] _subscribers = subscribers.ToArray();

    public string Kind => OutboxKinds.ResultChanged;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ResultChanged? change;
        try
        {
            change = JsonSerializer.Deserialize<ResultChanged>(message.Payload, Json);
        }
        catch (JsonException ex)
        {
            throw new PermanentDeliveryException("Unreadable ResultChanged payload.", ex);
        }
        if (change is null) throw new PermanentDeliveryException("Empty ResultChanged payload.");
        foreach (var subscriber in _subscribers) await subscriber.OnResultChangedAsync(change, cancellationToken);
    }
}
