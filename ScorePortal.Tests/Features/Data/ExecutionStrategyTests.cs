using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Data;

/// <summary>
/// Fault: the database is busy (SQLite still locked after its busy timeout, as during a backup; SQL Server failing over).
/// What must hold: the portal's contexts run a retrying execution strategy, so a transaction started outside it is
/// refused (every explicit transaction goes through <see cref="DatabaseTransactions"/>); a transient failure injected
/// once into an import's store is retried and the batch is committed exactly once.
/// </summary>
public sealed class ExecutionStrategyTests
{
    /// <summary>Throws SQLITE_BUSY once, on the first command whose text contains <see cref="Target"/>.</summary>
    private sealed class BusyOnce(string target) : DbCommandInterceptor
    {
        private int _thrown;

        /// <summary>Off while the portal starts (the demo data's own batches), on once the test arms it.</summary>
        public bool Armed { get; set; }

        public string Target => target;

        public int Thrown => Volatile.Read(ref _thrown);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Fail(DbCommand command)
        {
            if (Armed && command.CommandText.Contains(target, StringComparison.Ordinal) && Interlocked.CompareExchange(ref _thrown, 1, 0) == 0)
                throw new SqliteException("database is locked (injected by the test)", 5);
        }
    }

    private sealed class BusyPortal : PortalFactory
    {
        public BusyOnce Fault { get; } = new("INSERT INTO \"ResultBatches\"");

        protected override void ConfigureSettings(IDictionary<string, string?> settings)
        {
            settings[DemoSeed] = "true";
            settings[DemoCandidates] = "20";
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(new DatabaseExtensions.DatabaseFaultInjection(Fault)));
        }
    }

    [Fact]
    public async Task A_transaction_started_outside_the_execution_strategy_is_refused()
    {
        await using var portal = new PortalFactory();
        await using var db = await CreateDbAsync(portal);

        Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
        await using (await db.Database.BeginTransactionAsync())
        {
            // The first command of a transaction begun outside the strategy is refused: it could not be retried.
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Candidates.CountAsync());
            Assert.Contains("does not support user-initiated transactions", refused.Message, StringComparison.Ordinal);
        }

        // Through the strategy the same transaction runs and commits.
        var committed = await db.InTransactionAsync(async (transaction, ct) =>
        {
            var count = await db.Candidates.CountAsync(ct);
            await transaction.CommitAsync(ct);
            return count;
        }, CancellationToken.None);
        Assert.True(committed >= 0);
    }

    [Fact]
    public async Task An_import_whose_store_meets_a_busy_database_once_is_retried_and_committed_exactly_once()
    {
        await using var portal = new BusyPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile();
        file.Row(session + "-11-910001", "resident", ResultsFile.ResidentId(21), "王小明", "11", "S01", "ZH", "50");
        var path = await file.SaveAsync(portal.Directory);
        portal.Fault.Armed = true;

        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, path));

        Assert.Equal(1, portal.Fault.Thrown);
        var after = await CountAsync(portal);
        Assert.Equal(before.Batches + 1, after.Batches);
        Assert.Equal(before.Scores + 1, after.Scores);
        await using var db = await CreateDbAsync(portal);
        var batch = await db.ResultBatches.AsNoTracking().SingleAsync(b => b.Id == imported.BatchId);
        Assert.Equal(imported.Fingerprint, batch.Fingerprint);
        Assert.Equal(1, await db.ResultBatches.CountAsync(b => b.ExamSession.Code == session && b.Version == imported.Version));
    }
}
