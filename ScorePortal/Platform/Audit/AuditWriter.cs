using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Operations;
using ScorePortal.Platform.Leases;
using ScorePortal.Security;

namespace ScorePortal.Platform.Audit;

/// <summary>
/// The only code that appends audit entries: one reader, so sequence numbers and the hash chain are assigned
/// in order without locks, and each batch is one transaction. Several instances on one database keep one chain: each
/// batch is appended under the chain lease (<see cref="ChainLease"/>) from the chain's end read again under it
/// (<see cref="AppendSharedAsync"/>); one instance alone keeps the end in memory as before.
/// </summary>
internal sealed class AuditWriter(
    AuditLog log,
    IDbContextFactory<ScorePortalDbContext> dbFactory,
    SourceAddressHasher addresses,
    IServiceProvider services,
    ILeases leases,
    StorageHealth storage,
    TimeProvider time,
    ILogger<AuditWriter> logger) : BackgroundService, IRunsDuringCommands
{
    private const int MaxBatch = 1000;
    private const int MaxAttempts = 20;
    private static readonly TimeSpan GroupCommitWindow = TimeSpan.FromMilliseconds(5);

    /// <summary>The lease every instance's writer takes for one batch: one appender at a time on the shared chain.</summary>
    public const string ChainLease = "audit:chain";

    // A holder keeps the lease for one commit (milliseconds); one held longer is stuck behind the database's own write
    // lock, where waiting on the lease gains nothing over waiting on the database.
    private static readonly TimeSpan ChainLeaseWait = TimeSpan.FromSeconds(5);

    // Whether the last batch was appended without the lease (Redis down): logged once per outage.
    private bool _unleased;

    // Whether this process appended anything: a command that wrote nothing (generate-keys before any database or key
    // exists) signs nothing at its end and never needs the signing key.
    private bool _appended;

    // The chain's end as this writer last wrote or read it (one instance alone keeps it in memory).
    private long _sequence;
    private string _previousHash = AuditChain.Genesis;

    // Set when the host stops: a batch that cannot be committed then gets a few attempts more, not an endless retry.
    private volatile bool _stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A database that is down at start (the health check reports it) must not stop the host: retry until it is back.
        while (true)
        {
            try
            {
                (_sequence, _previousHash) = await ChainEndAsync(stoppingToken);
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The audit writer cannot read the chain's end; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
        var batch = new List<AuditLog.Pending>(MaxBatch);
        // Runs until the channel is completed at shutdown, so records queued before the stop are still written.
        while (await log.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && log.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            if (batch.Count < MaxBatch)
            {
                // Group commit: under load a commit per handful of entries made the commit itself the cost; a few
                // milliseconds more per batch (a durable write waits at most that long) gather the next arrivals.
                await Task.Delay(GroupCommitWindow, CancellationToken.None);
                while (batch.Count < MaxBatch && log.Reader.TryRead(out var pending)) batch.Add(pending);
            }

            // Seal markers are not entries: they ask for a checkpoint once what came before them is committed.
            var seal = batch.Any(p => p.Seal || AuditActions.SealedAtOnce.Contains(p.Record.Action));
            var entries = batch.Where(p => !p.Seal).ToList();
            var failure = await AppendUntilCommittedAsync(batch, entries);
            if (failure is null && seal) await CheckpointAsync("a sealed event");
            foreach (var p in batch)
            {
                if (failure is null) p.Committed?.TrySetResult();
                else p.Committed?.TrySetException(new InvalidOperationException("The audit log could not be written.", failure));
            }
            if (failure is not null)
                logger.LogCritical(StorageFaults.AuditAppendFailed, StorageFaults.Classify(failure) is null ? failure : null, "{Count} audit entries were not written before shutdown", entries.Count);
        }
        // Every shutdown (and the end of every command, which stops this writer) leaves the tail covered.
        if (_appended) await CheckpointAsync("shutdown");
    }

    /// <summary>
    /// Appends <paramref name="entries"/>, trying again until they are committed: an entry is never dropped, a
    /// lookup already answered keeps its entry (issue #26). A long write transaction (a million-row import or
    /// publication holds SQLite's write lock for a minute or two) makes an append time out; a full or read-only disk
    /// fails it at once. A storage fault, or <see cref="MaxAttempts"/> failures of any kind, mark the audit log failing
    /// (<see cref="StorageHealth"/>: lookups answer "temporarily unavailable", /healthz turns Degraded with the cause)
    /// and fail the durable waiters of the batch, whose callers report it, while the entries stay here and are retried
    /// every few seconds; the first commit afterwards clears the mark. Only at shutdown does it give up (returned: the
    /// failure), after a few attempts more, and the loss is logged as critical.
    /// </summary>
    private async Task<Exception?> AppendUntilCommittedAsync(List<AuditLog.Pending> batch, List<AuditLog.Pending> entries)
    {
        var retryAtOnce = false;
        var failingSince = -1;
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 1 && !retryAtOnce) await Task.Delay(TimeSpan.FromSeconds(_stopping ? 1 : Math.Min(attempt, 5)));
            retryAtOnce = false;
            try
            {
                if (entries.Count > 0)
                {
                    (_sequence, _previousHash) = leases.Shared
                        ? await AppendSharedAsync(entries)
                        : await AppendAsync(entries, _sequence, _previousHash);
                    _appended = true;
                    if (storage.AuditCommitted())
                        logger.LogWarning(StorageFaults.AuditAppendRecovered, "The audit log is written again ({Count} held entries committed): lookups answer again", entries.Count);
                }
                return null;
            }
            catch (Exception ex)
            {
                if (failingSince < 0 && (StorageFaults.Classify(ex) is not null || attempt + 1 >= MaxAttempts))
                {
                    failingSince = attempt;
                    if (storage.AuditFailed(ex))
                        // A storage fault's cause says it all (no stack trace in an operator's log); anything else keeps it.
                        logger.LogError(StorageFaults.AuditAppendFailed, StorageFaults.Classify(ex) is null ? ex : null,
                            "The audit log cannot be written ({Cause}): {Count} entries held and retried; lookups answer 'temporarily unavailable' until a commit succeeds",
                            storage.AuditFailure?.Cause, entries.Count);
                    // Whoever waits for durability learns it now; the entries themselves stay and are retried.
                    foreach (var p in batch) p.Committed?.TrySetException(new InvalidOperationException("The audit log could not be written.", ex));
                }
                if (_stopping && attempt >= (failingSince < 0 ? MaxAttempts : failingSince + 3)) return ex;
                // Another writer may have appended (a second instance on the same database): continue from the
                // chain's real end.
                if (leases.Shared)
                {
                    // The shared append reads the end itself. A collision (another instance appended first: Redis
                    // down, or a command without the lease) is retried at once, not after the busy database's pause.
                    retryAtOnce = IsSequenceCollision(ex);
                    continue;
                }
                try
                {
                    (_sequence, _previousHash) = await ChainEndAsync(CancellationToken.None);
                }
                catch (Exception unreadable) when (unreadable is not OperationCanceledException)
                {
                    // The end is read again before the next attempt; the failure is the append's.
                }
            }
        }
    }

    private async Task CheckpointAsync(string reason)
    {
        try
        {
            if (await services.GetRequiredService<AuditCheckpoints>().CreateAsync(ct: CancellationToken.None) is { } c)
                logger.LogInformation("Audit checkpoint signed up to entry {Sequence} ({Reason})", c.UpToSequence, reason);
        }
        catch (LeaseUnavailableException ex)
        {
            // Redis down: nobody can say whether another instance signs right now, so this one does not (the file and
            // the table must not get the same end twice). The next checkpoint after Redis is back covers the entries.
            logger.LogWarning(ex, "Audit checkpoint skipped ({Reason}): the checkpoint lease cannot be taken (Redis down)", reason);
        }
        catch (Exception ex)
        {
            // The entries are committed; the hourly checkpoint will cover them, and verify-audit reports the delay.
            logger.LogError(ex, "Could not sign an audit checkpoint ({Reason})", reason);
        }
    }

    private async Task<(long Sequence, string Hash)> ChainEndAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        return last is null ? (0L, AuditChain.Genesis) : (last.Sequence, last.Hash);
    }

    /// <summary>
    /// Appends a batch when other instances append to the same chain. Under the chain lease the chain's end is read
    /// again from the database (another instance may have appended since this one last did), so the instances take
    /// turns without colliding. Without the lease — Redis down, or its holder stuck longer than the wait — the batch is
    /// appended all the same, from the end just read: the lease only spares collisions, the database keeps the chain
    /// whole. An entry's sequence number is unique and its previous hash is the hash of the entry one before it as this
    /// writer read or wrote it, so two entries with the same predecessor (a fork) would need the same sequence number:
    /// a batch appended from a stale end collides with the entry already there and is rolled back whole, and the retry
    /// starts from the real end. The entries of requests keep being stored while Redis is down (the audit log is never
    /// the part that stops), and the lookup never waits for any of it (it queues its record and goes on).
    /// </summary>
    private async Task<(long Sequence, string Hash)> AppendSharedAsync(List<AuditLog.Pending> batch)
    {
        ILease? lease = null;
        try
        {
            lease = await leases.TryAcquireAsync(ChainLease, ChainLeaseWait, CancellationToken.None);
            if (_unleased)
            {
                _unleased = false;
                logger.LogWarning("The audit chain lease answers again: instances take turns appending");
            }
        }
        catch (LeaseUnavailableException ex)
        {
            if (!_unleased)
            {
                _unleased = true;
                logger.LogWarning(ex, "The audit chain lease cannot be taken (Redis down): appending without it, from the chain's end read before each batch; the unique sequence number keeps one chain");
            }
        }
        try
        {
            var (sequence, previousHash) = await ChainEndAsync(CancellationToken.None);
            return await AppendAsync(batch, sequence, previousHash);
        }
        finally
        {
            if (lease is not null) await lease.DisposeAsync();
        }
    }

    /// <summary>The append met an entry already at one of its sequence numbers (the unique index): the end had moved.</summary>
    internal static bool IsSequenceCollision(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 19 } => true, // SQLITE_CONSTRAINT
        Microsoft.Data.SqlClient.SqlException { Number: 2601 or 2627 } => true, // duplicate key in a unique index / constraint
        DbUpdateException { InnerException: { } inner } => IsSequenceCollision(inner),
        _ => false,
    };

    /// <summary>
    /// The batch's entries, chained from <paramref name="sequence"/> and <paramref name="previousHash"/>; an intent's
    /// (<see cref="AuditIntent"/>) only where <paramref name="claimed"/> says the writer took its outbox row.
    /// </summary>
    private List<AuditEntry> Chain(List<AuditLog.Pending> batch, HashSet<long>? claimed, ref long sequence, ref string previousHash)
    {
        var entries = new List<AuditEntry>(batch.Count);
        foreach (var p in batch)
        {
            if (p.IntentId is { } intent && claimed?.Contains(intent) != true) continue;
            var entry = new AuditEntry
            {
                Sequence = ++sequence,
                At = TruncateToMilliseconds(p.At),
                ActorUserId = p.Record.ActorUserId,
                ActorRole = p.Record.ActorRole,
                Action = p.Record.Action,
                TargetType = p.Record.TargetType,
                TargetId = p.Record.TargetId,
                SourceIpHash = addresses.Hash(p.Record.SourceIp),
                DataJson = AuditChain.CanonicalData(p.Record.Data),
                PreviousHash = previousHash,
            };
            entry.Hash = AuditChain.ComputeHash(entry);
            previousHash = entry.Hash;
            entries.Add(entry);
        }
        return entries;
    }

    private async Task<(long Sequence, string Hash)> AppendAsync(List<AuditLog.Pending> batch, long sequence, string previousHash)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var intents = batch.Where(p => p.IntentId is not null).Select(p => p.IntentId!.Value).ToList();
        (long Sequence, string Hash, HashSet<long>? Claimed) end;
        if (db.Database.IsSqlite())
        {
            // Its own transaction on the raw connection, inside the execution strategy: the database still locked after
            // the busy timeout retries the whole batch (Database:MaxRetryCount), all or nothing.
            end = await db.Database.CreateExecutionStrategy().ExecuteAsync(() => InsertIntoSqliteAsync(db, batch, intents, sequence, previousHash));
        }
        else
        {
            // SQL Server: intents' rows claimed and the entries inserted in one transaction inside the retrying strategy,
            // with a check: when a fault hid whether it committed (failing over during COMMIT), the attempt's last entry
            // is looked for before running again — a second run would append the batch a second time from the new end.
            (long Sequence, string Hash, HashSet<long> Claimed, AuditEntry? Last)? attempted = null;
            end = await db.InTransactionAsync(async (transaction, ct) =>
            {
                var now = TruncateToMilliseconds(time.GetUtcNow());
                var claimed = new HashSet<long>();
                foreach (var id in intents)
                {
                    if (await db.OutboxMessages.Where(m => m.Id == id && m.DeliveredAt == null)
                            .ExecuteUpdateAsync(u => u.SetProperty(m => m.DeliveredAt, now).SetProperty(m => m.FailedAt, (DateTimeOffset?)null), ct) > 0)
                        claimed.Add(id);
                }
                long s = sequence;
                var h = previousHash;
                var entries = Chain(batch, claimed, ref s, ref h);
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                db.AuditEntries.AddRange(entries);
                await db.SaveChangesAsync(ct);
                attempted = (s, h, claimed, entries.Count == 0 ? null : entries[^1]);
                await transaction.CommitAsync(ct);
                return (s, h, (HashSet<long>?)claimed);
            }, async ct =>
                // The commit's acknowledgement lost: the attempt's last entry in the log means the claims went in with it.
                attempted is { Last: { } last } && await db.AuditEntries.AsNoTracking().AnyAsync(e => e.Sequence == last.Sequence && e.Hash == last.Hash, ct)
                    ? DatabaseTransactions.Committed((attempted.Value.Sequence, attempted.Value.Hash, (HashSet<long>?)attempted.Value.Claimed))
                    : DatabaseTransactions.NotCommitted<(long, string, HashSet<long>?)>(),
                CancellationToken.None);
        }
        // Only after the commit: an intent's caller learns whether its entry went in with this batch.
        if (end.Claimed is { Count: > 0 } taken)
            foreach (var p in batch)
                if (p.IntentId is { } id && taken.Contains(id) && p.Appended is { } appended) appended.Value = true;
        return (end.Sequence, end.Hash);
    }

    /// <summary>
    /// SQLite: one prepared INSERT executed per entry in one transaction, in the column formats EF writes (a lookup's
    /// audit entry through SaveChanges cost a fifth of the release-day CPU: per-row SQL, change tracking, RETURNING).
    /// Intents' outbox rows are claimed first in the same transaction; an entry whose row is claimed already is left out.
    /// </summary>
    private async Task<(long Sequence, string Hash, HashSet<long>? Claimed)> InsertIntoSqliteAsync(ScorePortalDbContext db,
        List<AuditLog.Pending> batch, List<long> intents, long sequence, string previousHash)
    {
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            HashSet<long>? claimed = null;
            if (intents.Count > 0)
            {
                claimed = [];
                await using var claim = connection.CreateCommand();
                claim.Transaction = transaction;
                claim.CommandText = """
                    UPDATE "OutboxMessages" SET "DeliveredAt" = $now, "FailedAt" = NULL WHERE "Id" = $id AND "DeliveredAt" IS NULL
                    """;
                claim.Parameters.AddWithValue("$now", time.GetUtcNow().ToUnixTimeMilliseconds());
                var id = claim.Parameters.Add("$id", SqliteType.Integer);
                foreach (var intent in intents)
                {
                    id.Value = intent;
                    if (await claim.ExecuteNonQueryAsync(CancellationToken.None) > 0) claimed.Add(intent);
                }
            }
            var entries = Chain(batch, claimed, ref sequence, ref previousHash);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO "AuditEntries" ("Sequence", "At", "ActorUserId", "ActorRole", "Action", "TargetType", "TargetId",
                    "SourceIpHash", "DataJson", "PreviousHash", "Hash")
                VALUES ($sequence, $at, $actor, $role, $action, $targetType, $targetId, $ip, $data, $previous, $hash)
                """;
            var sequenceParameter = insert.Parameters.Add("$sequence", SqliteType.Integer);
            var at = insert.Parameters.Add("$at", SqliteType.Text);
            var actor = insert.Parameters.Add("$actor", SqliteType.Text);
            var role = insert.Parameters.Add("$role", SqliteType.Text);
            var action = insert.Parameters.Add("$action", SqliteType.Text);
            var targetType = insert.Parameters.Add("$targetType", SqliteType.Text);
            var targetId = insert.Parameters.Add("$targetId", SqliteType.Text);
            var ip = insert.Parameters.Add("$ip", SqliteType.Text);
            var data = insert.Parameters.Add("$data", SqliteType.Text);
            var previous = insert.Parameters.Add("$previous", SqliteType.Text);
            var hash = insert.Parameters.Add("$hash", SqliteType.Text);
            foreach (var e in entries)
            {
                sequenceParameter.Value = e.Sequence;
                // EF Core's SQLite text form of a DateTimeOffset, so ordering and reading back are unchanged.
                at.Value = e.At.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
                actor.Value = (object?)e.ActorUserId ?? DBNull.Value;
                role.Value = (object?)e.ActorRole ?? DBNull.Value;
                action.Value = e.Action;
                targetType.Value = (object?)e.TargetType ?? DBNull.Value;
                targetId.Value = (object?)e.TargetId ?? DBNull.Value;
                ip.Value = (object?)e.SourceIpHash ?? DBNull.Value;
                data.Value = e.DataJson;
                previous.Value = e.PreviousHash;
                hash.Value = e.Hash;
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }
            await transaction.CommitAsync(CancellationToken.None);
            return (sequence, previousHash, claimed);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        log.Complete();
        await base.StopAsync(cancellationToken);
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
