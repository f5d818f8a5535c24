using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>
/// The front door of the API's access log (<see cref="ApiAccess"/>, table ApiAccessLog). A call hands its row over and
/// awaits <see cref="WriteDurableAsync"/>: it completes once the transaction holding the row is committed, so no answer
/// leaves before "who looked at my results" shows it. One <see cref="ApiAccessWriter"/> commits the rows of all calls
/// waiting at that moment in one transaction (group commit): under load a commit serves many calls, and a lone call
/// waits for its own commit only.
/// </summary>
public sealed class ApiAccessLog
{
    internal readonly record struct Pending(ApiAccess Row, bool TouchKey, TaskCompletionSource Committed);

    private readonly Channel<Pending> _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    internal ChannelReader<Pending> Reader => _channel.Reader;

    internal void Complete() => _channel.Writer.TryComplete();

    /// <summary>
    /// Queues <paramref name="row"/> and completes once it is committed; with <paramref name="touchKey"/> the same
    /// transaction sets the key's <see cref="ApiKey.LastUsedAt"/> to the row's time. Throws when the row could not be
    /// written: the caller answers 500 and discloses nothing.
    /// </summary>
    public async Task WriteDurableAsync(ApiAccess row, bool touchKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _channel.Writer.WriteAsync(new Pending(row, touchKey, committed), ct);
        // Not cancelled with the request: a row queued is written, whether or not the caller still listens.
        await committed.Task;
    }
}

/// <summary>
/// The only code that writes access rows: drains whatever calls are waiting (up to <see cref="MaxBatch"/>), writes them
/// in one transaction and completes each caller after the commit. No artificial delay: while one commit runs, the next
/// arrivals gather in the channel and form the next batch by themselves.
/// </summary>
internal sealed class ApiAccessWriter(ApiAccessLog log, IDbContextFactory<ScorePortalDbContext> dbFactory, ILogger<ApiAccessWriter> logger)
    : BackgroundService
{
    internal const int MaxBatch = 500;
    private const int MaxAttempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ApiAccessLog.Pending>(MaxBatch);
        // Runs until the channel is completed at shutdown, so rows queued before the stop are still written.
        while (await log.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && log.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;

            Exception? failure = null;
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), CancellationToken.None);
                try
                {
                    await WriteAsync(batch);
                    failure = null;
                    break;
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
            }
            foreach (var p in batch)
            {
                if (failure is null) p.Committed.TrySetResult();
                else p.Committed.TrySetException(new InvalidOperationException("The API access log could not be written.", failure));
            }
            if (failure is not null) logger.LogError(failure, "Could not write {Count} API access rows", batch.Count);
        }
    }

    private async Task WriteAsync(List<ApiAccessLog.Pending> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // The latest time per key whose LastUsedAt is due.
        var touched = batch.Where(p => p.TouchKey).GroupBy(p => p.Row.ApiKeyId).Select(g => (KeyId: g.Key, At: g.Max(p => p.Row.At))).ToList();
        if (db.Database.IsSqlite())
        {
            // Its own transaction on the raw connection, retried whole by the execution strategy (a lock held too long).
            await db.Database.CreateExecutionStrategy().ExecuteAsync(() => WriteToSqliteAsync(db, batch, touched));
            return;
        }
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        ApiAccess? first = null;
        await db.InTransactionAsync(async (transaction, ct) =>
        {
            // Fresh instances: a failed attempt must not leave generated ids on the rows the next attempt adds again.
            var rows = batch.Select(p => Copy(p.Row)).ToList();
            db.ApiAccessLog.AddRange(rows);
            await db.SaveChangesAsync(ct);
            first = rows.FirstOrDefault();
            foreach (var (keyId, at) in touched)
                await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, at), ct);
            await transaction.CommitAsync(ct);
        }, async ct => first is { } row && await db.ApiAccessLog.AsNoTracking().AnyAsync(
            a => a.Id == row.Id && a.ApiKeyId == row.ApiKeyId && a.EnterpriseId == row.EnterpriseId, ct), // logged once, not twice
            CancellationToken.None);
    }

    private static ApiAccess Copy(ApiAccess r) => new()
    {
        At = r.At, EnterpriseId = r.EnterpriseId, ApiKeyId = r.ApiKeyId, EmployeeId = r.EmployeeId, ConsentId = r.ConsentId,
        CandidateId = r.CandidateId, QualificationId = r.QualificationId, Outcome = r.Outcome, Fields = r.Fields,
    };

    /// <summary>
    /// SQLite: one prepared INSERT per row in one transaction, in the column formats EF writes (instants as Unix
    /// milliseconds), as the audit writer does: change tracking and per-row SQL would cost more than the call itself.
    /// </summary>
    private static async Task WriteToSqliteAsync(ScorePortalDbContext db, List<ApiAccessLog.Pending> batch, List<(int KeyId, DateTimeOffset At)> touched)
    {
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        try
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(CancellationToken.None);
            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO "ApiAccessLog" ("At", "EnterpriseId", "ApiKeyId", "EmployeeId", "ConsentId", "CandidateId", "QualificationId", "Outcome", "Fields")
                    VALUES ($at, $enterprise, $key, $employee, $consent, $candidate, $qualification, $outcome, $fields)
                    """;
                var at = insert.Parameters.Add("$at", SqliteType.Integer);
                var enterprise = insert.Parameters.Add("$enterprise", SqliteType.Integer);
                var key = insert.Parameters.Add("$key", SqliteType.Integer);
                var employee = insert.Parameters.Add("$employee", SqliteType.Text);
                var consent = insert.Parameters.Add("$consent", SqliteType.Integer);
                var candidate = insert.Parameters.Add("$candidate", SqliteType.Integer);
                var qualification = insert.Parameters.Add("$qualification", SqliteType.Integer);
                var outcome = insert.Parameters.Add("$outcome", SqliteType.Text);
                var fields = insert.Parameters.Add("$fields", SqliteType.Text);
                insert.Prepare();
                foreach (var p in batch)
                {
                    var r = p.Row;
                    at.Value = r.At.ToUnixTimeMilliseconds();
                    enterprise.Value = r.EnterpriseId;
                    key.Value = r.ApiKeyId;
                    employee.Value = (object?)r.EmployeeId ?? DBNull.Value;
                    consent.Value = (object?)r.ConsentId ?? DBNull.Value;
                    candidate.Value = (object?)r.CandidateId ?? DBNull.Value;
                    qualification.Value = (object?)r.QualificationId ?? DBNull.Value;
                    outcome.Value = r.Outcome;
                    fields.Value = r.Fields;
                    await insert.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
            if (touched.Count > 0)
            {
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = """UPDATE "ApiKeys" SET "LastUsedAt" = $at WHERE "Id" = $id""";
                var at = update.Parameters.Add("$at", SqliteType.Integer);
                var id = update.Parameters.Add("$id", SqliteType.Integer);
                foreach (var (keyId, when) in touched)
                {
                    at.Value = when.ToUnixTimeMilliseconds();
                    id.Value = keyId;
                    await update.ExecuteNonQueryAsync(CancellationToken.None);
                }
            }
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        await base.StopAsync(cancellationToken);
    }
}
