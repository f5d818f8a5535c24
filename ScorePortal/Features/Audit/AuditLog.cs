using System.Threading.Channels;

namespace ScorePortal.Features.Audit;

/// <summary>
/// The front door of the audit log. Requests hand their record to a channel and go on; the single
/// <see cref="AuditWriter"/> appends records in batches (group commit) and chains their hashes in order.
/// A request that must not answer before its record is stored awaits <see cref="WriteDurableAsync"/>.
/// </summary>
public sealed class AuditLog
{
    internal readonly record struct Pending(AuditRecord Record, DateTimeOffset At, TaskCompletionSource? Committed);

    private readonly Channel<Pending> _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TimeProvider _time;

    public AuditLog(TimeProvider time) => _time = time;

    internal ChannelReader<Pending> Reader => _channel.Reader;

    internal void Complete() => _channel.Writer.TryComplete();

    /// <summary>Queues a record; waits only when the writer is far behind (back-pressure instead of unbounded memory).</summary>
    public ValueTask WriteAsync(AuditRecord record, CancellationToken ct = default) =>
        _channel.Writer.WriteAsync(new Pending(record, _time.GetUtcNow(), null), ct);

    /// <summary>Queues a record and completes once the batch holding it is committed.</summary>
    public async Task WriteDurableAsync(AuditRecord record, CancellationToken ct = default)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new Pending(record, _time.GetUtcNow(), committed), ct);
        await committed.Task.WaitAsync(ct);
    }
}
