using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Issue #26 item 4: a crash at any point of a publication or a retraction leaves the database as before or as after,
/// never between, and the audit chain verifies (the import's own kill test is <see cref="KilledImportTests"/>).
/// </summary>
public sealed class KilledOperationTests
{
    private const string Admin = "admin@scoreportal.demo";
    private const string Admin2 = "admin2@scoreportal.demo";
    private const int Rows = 6_000;

    /// <summary>
    /// The children find the database migrated by the test's own portal and do not migrate it: a process killed while
    /// it holds EF's migration lock (a row in <c>__EFMigrationsLock</c>) leaves it behind, and the next start waits for
    /// it (docs/operations.md); these tests kill the operation, not the migration.
    /// </summary>
    private static readonly Dictionary<string, string?> Migrated = new() { ["Database:MigrateOnStart"] = "false" };

    /// <summary>What a publication or retraction changes, read back after each kill.</summary>
    private sealed record State(ResultBatchStatus Status, int CurrentScoresOfBatch, bool SessionPublished, int Outcomes);

    private static async Task<State> StateAsync(PortalFactory portal, int batchId, int sessionId)
    {
        await using var db = await CreateDbAsync(portal);
        return new State(
            await db.ResultBatches.Where(b => b.Id == batchId).Select(b => b.Status).SingleAsync(),
            await db.SubjectScores.CountAsync(s => s.ResultBatchId == batchId && s.IsCurrent),
            await db.ExamSessions.Where(s => s.Id == sessionId).Select(s => s.PublishedAt != null).SingleAsync(),
            await db.QualificationOutcomes.CountAsync());
    }

    /// <summary>
    /// Fault: the <c>publish</c> and then the <c>retract</c> command, each run as its own process and killed (SIGKILL)
    /// at several moments after it started, then run to the end. Must hold after every kill: the batch, its scores, the
    /// session and the outcomes are exactly as before the command or exactly as after it, and <c>verify-audit</c>
    /// exits 0.
    /// </summary>
    [Fact]
    public async Task Publication_and_retraction_killed_at_several_points_leave_the_database_as_before_or_after_and_the_chain_verifying()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var file = new ResultsFile();
        for (var i = 0; i < Rows; i++)
            file.SeniorCandidate($"{session}-11-{i:D7}", ResultsFile.ResidentId(i, "1101" + (i / 1000 % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), ResultsFile.Name(i), "11", 50, 50, 50);
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, await file.SaveAsync(portal.Directory)));
        var approved = await portal.Services.GetRequiredService<ApproveBatch>()
            .HandleAsync(new ApproveBatchRequest(imported.BatchId, await UserIdAsync(portal, Admin2), imported.Fingerprint));
        Assert.True(approved.Succeeded, approved.ErrorKey);
        int sessionId;
        await using (var db = await CreateDbAsync(portal))
            sessionId = await db.ResultBatches.Where(b => b.Id == imported.BatchId).Select(b => b.ExamSessionId).SingleAsync();
        var id = imported.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var beforePublication = await StateAsync(portal, imported.BatchId, sessionId);
        Assert.Equal(new State(ResultBatchStatus.Approved, 0, false, beforePublication.Outcomes), beforePublication);
        var publisher = new ChildCodes(await Authenticators.EnrollAsync(portal, Admin2));
        var (afterPublication, publicationKills) = await KillThenFinishAsync(portal, imported.BatchId, sessionId, beforePublication,
            () => ["publish", "--batch", id, "--user", Admin2, "--code", publisher.Next(), "--lang", "en-US"],
            s => s.Status == ResultBatchStatus.Published);
        Assert.Equal(ResultBatchStatus.Published, afterPublication.Status);
        Assert.Equal(Rows * 3, afterPublication.CurrentScoresOfBatch); // three subjects a row
        Assert.True(afterPublication.SessionPublished);

        var retractor = new ChildCodes(await Authenticators.EnrollAsync(portal, Admin));
        var (afterRetraction, retractionKills) = await KillThenFinishAsync(portal, imported.BatchId, sessionId, afterPublication,
            () => ["retract", "--batch", id, "--user", Admin, "--code", retractor.Next(), "--reason", "killed-process test", "--lang", "en-US"],
            s => s.Status == ResultBatchStatus.Retracted);
        Assert.Equal(0, afterRetraction.CurrentScoresOfBatch);
        // A run that ends before its kill point proves the "after" side only; at least one run must have been cut.
        Assert.True(publicationKills + retractionKills > 0, "Every run finished before it could be killed.");
    }

    /// <summary>
    /// Runs the command and kills it at each point in turn; after each kill the state must be <paramref name="before"/>
    /// or a finished one (<paramref name="isAfter"/>, checked whole), and the audit chain must verify. Then runs it to
    /// the end when no kill came too late; returns the state after and how many runs were killed.
    /// </summary>
    private static async Task<(State After, int Kills)> KillThenFinishAsync(DemoPortal portal, int batchId, int sessionId, State before,
        Func<string[]> args, Func<State, bool> isAfter)
    {
        State? after = null;
        var kills = 0;
        foreach (var point in new[] { 1500, 3000, 5000 })
        {
            if (await RunAsync(portal, args(), TimeSpan.FromMilliseconds(point)) is null) kills++;
            var state = await StateAsync(portal, batchId, sessionId);
            if (isAfter(state))
            {
                after = state;
                break;
            }
            Assert.Equal(before, state);
            var verify = await PortalProcess.RunAsync("Testing", portal, ["verify-audit", "--lang", "en-US"], Migrated);
            Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        }
        if (after is null)
        {
            var exit = await RunAsync(portal, args(), null);
            Assert.Equal(0, exit);
            after = await StateAsync(portal, batchId, sessionId);
            Assert.True(isAfter(after), after.ToString());
        }
        var verified = await PortalProcess.RunAsync("Testing", portal, ["verify-audit", "--lang", "en-US"], Migrated);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Error);
        return (after, kills);
    }

    /// <summary>Runs the portal binary; kills it (SIGKILL, whole tree) after <paramref name="killAfter"/>: null when killed, else its exit code.</summary>
    private static async Task<int?> RunAsync(PortalFactory portal, string[] args, TimeSpan? killAfter)
    {
        var app = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(app)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in portal.Settings.Concat(Migrated))
            if (value is not null) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(killAfter ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(output, error);
            if (killAfter is null && process.ExitCode != 0) Assert.Fail($"exit {process.ExitCode}\n{await output}\n{await error}");
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            if (killAfter is null) Assert.Fail("The command did not finish.");
            return null;
        }
    }

    /// <summary>
    /// Authenticator codes for child processes on the wall clock: each time step is accepted once and only the steps
    /// next to now are, so every run gets the next unused step, waiting for it when it is still ahead.
    /// </summary>
    private sealed class ChildCodes(string secret)
    {
        private long _lastStep = long.MinValue;

        public string Next()
        {
            while (true)
            {
                var now = DateTimeOffset.UtcNow;
                var current = now.ToUnixTimeSeconds() / 30;
                var step = Math.Max(_lastStep + 1, current - 1);
                if (step <= current + 1)
                {
                    _lastStep = step;
                    return Authenticators.CodeAt(secret, DateTimeOffset.FromUnixTimeSeconds(step * 30));
                }
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
        }
    }
}
