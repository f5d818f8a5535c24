using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ScorePortal.Operations;

/// <summary>What is wrong with the database's storage (issue #26 item 1): nothing a retry in the same second mends.</summary>
public enum StorageFault
{
    /// <summary>No space left: SQLite 13 (SQLITE_FULL); SQL Server 1101, 1105 (filegroup full), 9002 (log full); ENOSPC.</summary>
    DiskFull,

    /// <summary>The database cannot be written: SQLite 8 (SQLITE_READONLY); SQL Server 3906 (read-only database); EROFS.</summary>
    ReadOnly,

    /// <summary>The disk failed a read or a write: SQLite 10 (SQLITE_IOERR).</summary>
    IoError,
}

/// <summary>
/// The one classifier of storage faults, used by the command line (one line and exit 1 instead of a stack trace), the
/// pages and use cases that write (a localized message naming the cause) and the audit writer (lookups wait while it
/// cannot commit). A failure it does not recognise is a bug or another fault and keeps its usual handling.
/// docs/operations.md lists each fault with its log event id and what the operator does.
/// </summary>
public static class StorageFaults
{
    /// <summary>A command stopped by a storage fault (exit 1, one line on standard error).</summary>
    public static readonly EventId CommandStopped = new(2601, "StorageFaultCommandStopped");

    /// <summary>The audit writer could not commit a batch: its entries stay queued and lookups answer "temporarily unavailable".</summary>
    public static readonly EventId AuditAppendFailed = new(2602, "AuditAppendFailed");

    /// <summary>The audit writer committed again after a failure: lookups answer again.</summary>
    public static readonly EventId AuditAppendRecovered = new(2603, "AuditAppendRecovered");

    /// <summary>A page's or endpoint's operation (import, publication, retraction, report issue) was rolled back by a storage fault.</summary>
    public static readonly EventId OperationRolledBack = new(2604, "StorageFaultOperationRolledBack");

    /// <summary>Exit code of a command stopped by a storage fault.</summary>
    /// <summary>The database could not be prepared before serving for another reason (a migration refused, the file
    /// unreadable): one line on the console, this event in the log with the error's message, exit 1.</summary>
    public static readonly EventId PreparationFailed = new(2605, "DatabasePreparationFailed");

    /// <summary>A start removed EF's migration lock left by a process stopped while it migrated (older than Database:StaleMigrationLockAfter).</summary>
    public static readonly EventId StaleMigrationLockRemoved = new(2606, "StaleMigrationLockRemoved");

    /// <summary>A start stopped (exit 1) because another process held EF's migration lock for longer than Database:MigrationLockWait.</summary>
    public static readonly EventId MigrationLockHeld = new(2607, "MigrationLockHeld");

    public const int ExitCode = 1;

    /// <summary>The storage fault behind <paramref name="failure"/> (searched through inner exceptions), or null.</summary>
    public static StorageFault? Classify(Exception? failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is AggregateException many)
                return many.InnerExceptions.Select(Classify).FirstOrDefault(f => f is not null);
            var fault = e switch
            {
                // The primary result code: an extended code (SQLITE_IOERR_WRITE = 778, …) keeps it in its low byte.
                SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
                {
                    13 => StorageFault.DiskFull,
                    8 => StorageFault.ReadOnly,
                    10 => StorageFault.IoError,
                    _ => (StorageFault?)null,
                },
                Microsoft.Data.SqlClient.SqlException sql => sql.Errors.Cast<Microsoft.Data.SqlClient.SqlError>().Select(x => x.Number)
                    .Append(sql.Number).Select(SqlServer).FirstOrDefault(f => f is not null),
                // A file next to the database (checkpoint, import report): the errno on Linux, the Win32 code on Windows.
                IOException io => (io.HResult & 0xFFFF) switch
                {
                    28 or 0x70 or 0x27 => StorageFault.DiskFull, // ENOSPC; ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL
                    30 => StorageFault.ReadOnly, // EROFS
                    _ => null,
                },
                _ => null,
            };
            if (fault is not null) return fault;
        }
        return null;
    }

    private static StorageFault? SqlServer(int number) => number switch
    {
        1101 or 1105 or 9002 => StorageFault.DiskFull,
        3906 => StorageFault.ReadOnly,
        _ => null,
    };

    /// <summary>The localized message (zh-CN, en-US) naming the cause and what to do; the same for a page and a command.</summary>
    public static string MessageKey(StorageFault fault) => "Faults.Storage." + fault;

    /// <summary>Every message key, for pages that accept a key from their query string only from a known list.</summary>
    public static IEnumerable<string> MessageKeys => Enum.GetValues<StorageFault>().Select(MessageKey);

    /// <summary>The cause in the words of the health check and the logs (English, no data).</summary>
    public static string Cause(StorageFault fault) => fault switch
    {
        StorageFault.DiskFull => "disk full",
        StorageFault.ReadOnly => "read-only database",
        _ => "disk I/O error",
    };
}

/// <summary>
/// What this instance knows of its storage now: whether the audit writer's last commit failed (lookups then answer
/// "temporarily unavailable": none is answered without its audit entry) and the last operation a storage fault rolled
/// back. Read by the busy gate and by <see cref="StorageHealthCheck"/>.
/// </summary>
public sealed class StorageHealth(TimeProvider time)
{
    /// <summary>How long a rolled-back operation keeps /healthz Degraded when nothing else shows the fault.</summary>
    public static readonly TimeSpan OperationFaultShown = TimeSpan.FromMinutes(15);

    public sealed record Failure(string Cause, DateTimeOffset At);

    private volatile Failure? _audit;
    private volatile Failure? _operation;

    /// <summary>Set while the audit writer's last commit failed; cleared by its next successful commit.</summary>
    public Failure? AuditFailure => _audit;

    public bool AuditFailing => _audit is not null;

    /// <summary>The audit writer's commit failed; returns true when this starts an outage (log it once).</summary>
    public bool AuditFailed(Exception failure)
    {
        var started = _audit is null;
        _audit = new Failure(Describe(failure), time.GetUtcNow());
        return started;
    }

    /// <summary>The audit writer committed; returns true when this ends an outage.</summary>
    public bool AuditCommitted()
    {
        var ended = _audit is not null;
        _audit = null;
        return ended;
    }

    /// <summary>An operation (import, publication, …) was rolled back by <paramref name="fault"/>.</summary>
    public void OperationFailed(StorageFault fault, string operation) =>
        _operation = new Failure($"{operation}: {StorageFaults.Cause(fault)}", time.GetUtcNow());

    /// <summary>The last rolled-back operation, while it is recent.</summary>
    public Failure? RecentOperationFailure =>
        _operation is { } f && time.GetUtcNow() - f.At < OperationFaultShown ? f : null;

    private static string Describe(Exception failure) =>
        StorageFaults.Classify(failure) is { } fault ? StorageFaults.Cause(fault) : failure.GetType().Name;
}

/// <summary>
/// "storage" on /healthz: Degraded with the cause while the audit log cannot be written or after an operation was
/// rolled back by a storage fault. Degraded, not Unhealthy: the instance stays in the load balancer's rotation and
/// keeps serving what it can (pages, the "temporarily unavailable" answer) while the database's disk is the problem of
/// every instance alike; the database check turns Unhealthy when the database cannot be reached at all.
/// </summary>
internal sealed class StorageHealthCheck(StorageHealth storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(storage.AuditFailure is { } audit
            ? HealthCheckResult.Degraded($"audit log cannot be written ({audit.Cause}) since {audit.At:O}: lookups answer 'temporarily unavailable'")
            : storage.RecentOperationFailure is { } operation
                ? HealthCheckResult.Degraded($"rolled back at {operation.At:O}: {operation.Cause}")
                : HealthCheckResult.Healthy());
}
