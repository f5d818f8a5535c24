using System.Threading.Channels;

namespace ScorePortal.Platform.Audit;

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

    // The command line's origin (command name, operating-system user) for every record written while a command runs.
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string?>?> Origin = new();

    /// <summary>
    /// Marks every record written by the current asynchronous flow until disposal as coming from command
    /// <paramref name="command"/> run by operating-system user <paramref name="osUser"/> (<c>channel=cli</c>): the
    /// account named on the command line says in whose name, this says who typed it.
    /// </summary>
    public static IDisposable BeginCommand(string command, string osUser)
    {
        var previous = Origin.Value;
        Origin.Value = new Dictionary<string, string?> { ["channel"] = "cli", ["command"] = command, ["osUser"] = osUser };
        return new OriginScope(previous);
    }

    private sealed class OriginScope(IReadOnlyDictionary<string, string?>? previous) : IDisposable
    {
        public void Dispose() => Origin.Value = previous;
    }

    private static AuditRecord WithOrigin(AuditRecord record)
    {
        if (Origin.Value is not { } origin) return record;
        var data = new Dictionary<string, string?>(record.Data ?? new Dictionary<string, string?>());
        foreach (var (key, value) in origin) data.TryAdd(key, value);
        return record with { Data = data };
    }

    /// <summary>Queues a record; waits only when the writer is far behind (back-pressure instead of unbounded memory).</summary>
    public ValueTask WriteAsync(AuditRecord record, CancellationToken ct = default) =>
        _channel.Writer.WriteAsync(new Pending(WithOrigin(record), _time.GetUtcNow(), null), ct);

    /// <summary>Queues a record and completes once the batch holding it is committed.</summary>
    public async Task WriteDurableAsync(AuditRecord record, CancellationToken ct = default)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new Pending(WithOrigin(record), _time.GetUtcNow(), committed), ct);
        await committed.Task.WaitAsync(ct);
    }
}
