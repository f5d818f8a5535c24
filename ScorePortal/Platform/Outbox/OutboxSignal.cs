using System.Threading.Channels;

namespace ScorePortal.Platform.Outbox;

/// <summary>
/// Wakes this instance's outbox worker after a commit that enqueued, so a one-time code arrives within a moment
/// instead of after a poll interval. Signals coalesce: one wake-up handles every message committed before it.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or after <paramref name="timeout"/> on <paramref name="time"/>, whichever comes first.</summary>
    internal async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!_channel.Reader.TryRead(out _))
        {
            // Both waits are cancelled once one ends, so an idle worker does not pile up pending waiters.
            using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, done.Token);
            var signal = _channel.Reader.WaitToReadAsync(done.Token).AsTask();
            await Task.WhenAny(delay, signal);
            await done.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
        while (_channel.Reader.TryRead(out _))
        {
        }
    }
}
