using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// The front door of the audit log. Requests hand their record to a channel and go on; the single
/// <see cref="AuditWriter"/> appends records in batches (group commit) and chains their hashes in order.
/// A request that must not answer before its record is stored awaits <see cref="WriteDurableAsync"/>.
/// </summary>
public sealed class AuditLog
{
    /// <param name="Seal">A marker, not an entry: sign a checkpoint over everything queued before it.</param>
    /// <param name="IntentId">The outbox row of an <see cref="AuditIntent"/>: the entry is appended only if the writer
    /// can mark that row delivered in the same transaction (else it is already in the log).</param>
    /// <param name="Appended">An intent's: set by the writer when it appended the entry (left false: it was already there).</param>
    internal readonly record struct Pending(AuditRecord Record, DateTimeOffset At, TaskCompletionSource? Committed, bool Seal = false,
        long? IntentId = null, StrongBox<bool>? Appended = null);

    /// <summary>
    /// How long after its change an intent's row waits before the outbox worker appends it in the caller's place
    /// (<c>Audit:IntentGrace</c>): longer than a healthy writer's lag, so the recovery path is taken only when the caller is gone.
    /// </summary>
    public TimeSpan IntentGrace { get; }

    private readonly Channel<Pending> _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TimeProvider _time;

    public AuditLog(TimeProvider time, Microsoft.Extensions.Options.IOptions<AuditOptions> options)
    {
        _time = time;
        IntentGrace = options.Value.IntentGrace;
    }

    internal ChannelReader<Pending> Reader => _channel.Reader;

    internal void Complete() => _channel.Writer.TryComplete();

    // The command line's origin (command name, operating-system user) for every record written while a command runs.
    private static readonly AsyncLocal<CommandScope?> Origin = new();

    /// <summary>
    /// Marks every record written by the current asynchronous flow until disposal as coming from command
    /// <paramref name="command"/> run by operating-system user <paramref name="osUser"/> (<c>channel=cli</c>): the
    /// account named on the command line says in whose name, this says who typed it. Disposing it after a command that
    /// wrote to the log signs a checkpoint over what it wrote: a command's process is gone long before the hourly
    /// checkpoint, and entries no checkpoint covers can be deleted unseen.
    /// </summary>
    public static IAsyncDisposable BeginCommand(string command, string osUser)
    {
        var scope = new CommandScope(Origin.Value,
            new Dictionary<string, string?> { ["channel"] = "cli", ["command"] = command, ["osUser"] = osUser });
        Origin.Value = scope;
        return scope;
    }

    private sealed class CommandScope(CommandScope? previous, IReadOnlyDictionary<string, string?> data) : IAsyncDisposable
    {
        public IReadOnlyDictionary<string, string?> Data { get; } = data;

        /// <summary>The log a record went to under this scope (null: nothing written).</summary>
        public AuditLog? WrittenTo { get; set; }

        public async ValueTask DisposeAsync()
        {
            Origin.Value = previous;
            if (WrittenTo is { } log) await log.SealAsync();
        }
    }

    private AuditRecord WithOrigin(AuditRecord record)
    {
        if (Origin.Value is not { } origin) return record;
        origin.WrittenTo = this;
        var data = new Dictionary<string, string?>(record.Data ?? new Dictionary<string, string?>());
        foreach (var (key, value) in origin.Data) data.TryAdd(key, value);
        return record with { Data = data };
    }

    /// <summary>
    /// Completes once everything queued before is committed and a signed checkpoint covers it (in the database and
    /// in the file outside it). The writer does the same by itself after <see cref="AuditActions.SealedAtOnce"/>.
    /// </summary>
    public async Task SealAsync(CancellationToken ct = default)
    {
        var sealedTask = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new Pending(new AuditRecord("audit.seal"), _time.GetUtcNow(), sealedTask, Seal: true), ct);
        await sealedTask.Task.WaitAsync(ct);
    }

    /// <summary>Queues a record; waits only when the writer is far behind (back-pressure instead of unbounded memory).</summary>
    public ValueTask WriteAsync(AuditRecord record, CancellationToken ct = default) =>
        _channel.Writer.WriteAsync(new Pending(WithOrigin(record), _time.GetUtcNow(), null), ct);

    /// <summary>
    /// Promises <paramref name="record"/> inside the caller's transaction (an outbox row added to <paramref name="db"/>,
    /// saved with the caller's own SaveChanges): see <see cref="AuditIntent"/>. After the commit, hand the result to
    /// <see cref="CommitIntentAsync"/>.
    /// </summary>
    public AuditIntent Intend(ScorePortalDbContext db, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(db);
        record = WithOrigin(record);
        var now = _time.GetUtcNow();
        var message = db.Enqueue(AuditIntentHandler.Kind, AuditIntentPayload.From(record, now));
        // Stamped here, not by the outbox interceptor: due only after the grace, when the caller has had its chance.
        message.CreatedAt = now;
        message.NextAttemptAt = now + IntentGrace;
        return new AuditIntent(message, record, now);
    }

    /// <summary>
    /// Writes the promised record of a committed change and completes once it is committed (or was already: the
    /// recovery came first).
    /// </summary>
    public async Task CommitIntentAsync(AuditIntent intent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (intent.Message.Id == 0) throw new InvalidOperationException("An audit intent is written after the change that carries it is saved.");
        await WriteIntendedAsync(intent.Record, intent.At, intent.Message.Id, ct);
    }

    /// <summary>
    /// Queues the promised record of a committed change without waiting for its commit (as <see cref="WriteAsync"/>
    /// does for a record): for a change whose own row is the durable record and whose caller must not wait.
    /// </summary>
    public ValueTask QueueIntentAsync(AuditIntent intent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(intent);
        if (intent.Message.Id == 0) throw new InvalidOperationException("An audit intent is written after the change that carries it is saved.");
        return _channel.Writer.WriteAsync(new Pending(intent.Record, intent.At, null, IntentId: intent.Message.Id), ct);
    }

    /// <summary>Queues an intended record; true once appended by this call, false when its entry was already there.</summary>
    internal async Task<bool> WriteIntendedAsync(AuditRecord record, DateTimeOffset at, long intentId, CancellationToken ct)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appended = new StrongBox<bool>();
        await _channel.Writer.WriteAsync(new Pending(record, at, committed, IntentId: intentId, Appended: appended), ct);
        await committed.Task.WaitAsync(ct);
        return appended.Value;
    }

    /// <summary>Queues a record and completes once the batch holding it is committed.</summary>
    public async Task WriteDurableAsync(AuditRecord record, CancellationToken ct = default)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new Pending(WithOrigin(record), _time.GetUtcNow(), committed), ct);
        await committed.Task.WaitAsync(ct);
    }
}
