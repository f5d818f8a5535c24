using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Issue #26 items 1 and 5: a full or read-only database ends in a message naming the cause — one line and exit 1 on the
/// command line, "temporarily unavailable" for a lookup while the audit log cannot be written — and the data as before.
/// Each test names the fault it injects and what must hold afterwards; docs/operations.md lists them.
/// </summary>
public sealed class StorageFaultTests
{
    private const string Admin = "admin@scoreportal.demo";
    private const string DiskFullEn = "The database's disk is full: the operation was stopped and nothing was left half-written. Free or add space on the database's disk, then try again.";
    private const string ReadOnlyEn = "The database is read-only: the operation was stopped and nothing was left half-written.";

    /// <summary>A demo portal whose database is on <paramref name="disk"/> (with the injected kind, its page limit registered).</summary>
    internal static DemoPortal PortalOn(FullDisk disk) =>
        new(new Dictionary<string, string?> { ["ConnectionStrings:ScorePortal"] = disk.DatabaseConnectionString() }, services: disk.AddTo);

    private static void NoStackTrace(PortalProcess.Run run)
    {
        Assert.NotEqual(134, run.ExitCode);
        var text = run.Output + run.Error;
        Assert.False(text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Unhandled exception", StringComparison.Ordinal),
            "A stack trace was printed:\n" + text);
    }

    private static int Occurrences(string text, string line) =>
        text.Split('\n').Count(l => l.Contains(line, StringComparison.Ordinal));

    private static async Task<string> CodeAsync(DemoPortal portal) =>
        // The child process runs on the real clock: its code comes from the wall clock too.
        Authenticators.CodeAt(await Authenticators.EnrollAsync(portal, Admin), DateTimeOffset.UtcNow);

    /// <summary>
    /// Fault: an 8 MB disk holds the database (the case) — a real tmpfs, or where none can be mounted SQLite's own
    /// page limit in the import's process (<see cref="FullDisk"/>) — and a 30,000-row import fills it halfway through its
    /// one transaction. Must hold: exit 1 with the cause on one line (no 134, no stack trace), every table as before, and
    /// the audit chain verifies.
    /// </summary>
    [Theory]
    [InlineData(DiskFaultKind.Tmpfs)]
    [InlineData(DiskFaultKind.Injected)]
    public async Task Disk_full_import_of_30000_rows_on_an_8MB_disk_exits_1_with_one_line_and_leaves_the_data_as_before(DiskFaultKind kind)
    {
        using var disk = FullDisk.Create(8, kind);
        await using var portal = PortalOn(disk);
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile();
        for (var i = 0; i < 30_000; i++)
            file.SeniorCandidate($"{session}-11-{i:D7}", ResultsFile.ResidentId(i, "1101" + (i / 1000 % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), ResultsFile.Name(i), "11", 50, 50, 50);
        var path = await file.SaveAsync(portal.Directory);

        var run = await PortalProcess.RunAsync("Testing", portal,
            ["import", "--session", session, "--file", path, "--user", Admin, "--code", await CodeAsync(portal), "--lang", "en-US"], disk.ProcessSettings);

        Assert.True(run.ExitCode == 1, $"{disk.How}: exit {run.ExitCode}\n{run.Output}\n{run.Error}");
        Assert.Equal(1, Occurrences(run.Output + run.Error, DiskFullEn));
        Assert.Contains("error=Faults.Storage.DiskFull", run.Output, StringComparison.Ordinal);
        NoStackTrace(run);
        Assert.Equal(before, await CountAsync(portal));
        var verify = await PortalProcess.RunAsync("Testing", portal, ["verify-audit", "--lang", "en-US"], disk.ProcessSettings);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
    }

    /// <summary>
    /// Fault: the database opened read-only (<c>Mode=ReadOnly</c> on the connection: the tests run as root, whom a chmod
    /// does not stop). Must hold: an import and a key rotation each exit 1 with the cause on one line and no stack
    /// trace, whether the refusal comes from the use case or from preparing the database; nothing changed.
    /// </summary>
    [Fact]
    public async Task Read_only_database_import_and_key_rotation_exit_1_with_one_line_naming_it()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var path = await new ResultsFile().SeniorCandidate(session + "-11-900001", ResultsFile.ResidentId(31, "110108"), "刘洋", "11", 50, 70, 50)
            .SaveAsync(portal.Directory);
        var readOnly = new SqliteConnectionStringBuilder(portal.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString();

        var import = await PortalProcess.RunAsync("Testing", portal,
            ["import", "--session", session, "--file", path, "--user", Admin, "--code", await CodeAsync(portal), "--lang", "en-US"],
            new Dictionary<string, string?> { ["ConnectionStrings:ScorePortal"] = readOnly, ["Database:MigrateOnStart"] = "false" });
        var rotate = await PortalProcess.RunAsync("Testing", portal, ["rotate-keys", "--lang", "en-US"],
            new Dictionary<string, string?> { ["ConnectionStrings:ScorePortal"] = readOnly });

        foreach (var run in new[] { import, rotate })
        {
            Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");
            Assert.Equal(1, Occurrences(run.Output + run.Error, ReadOnlyEn));
            NoStackTrace(run);
        }
        Assert.Equal(before, await CountAsync(portal));
    }

    /// <summary>
    /// Fault: the database file is not a database (a backup restored over it with the wrong file: SQLITE_NOTADB, neither
    /// full nor read-only). Must hold: starting to serve stops before serving with one localized line naming the error,
    /// exit 1, no stack trace, and the file is left as it was.
    /// </summary>
    [Fact]
    public async Task A_database_file_that_is_not_a_database_stops_the_start_with_one_line()
    {
        await using var portal = new PortalFactory();
        var path = Path.Combine(portal.Directory, "not-a-database.db");
        var garbage = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("this is not an SQLite file. ", 200)));
        await File.WriteAllBytesAsync(path, garbage);

        var run = await PortalProcess.RunAsync("Testing", portal, ["--lang", "en-US"],
            new Dictionary<string, string?> { ["ConnectionStrings:ScorePortal"] = $"Data Source={path}" });

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Output}\n{run.Error}");
        Assert.Equal(1, Occurrences(run.Error, "serve: The database could not be prepared ("));
        NoStackTrace(run);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(path));
    }

    /// <summary>
    /// Fault: an 8 MB disk holds the database (a real tmpfs, or SQLite's page limit where none can be mounted:
    /// <see cref="FullDisk"/>) and is filled up after start, so the audit writer's next commit fails (SQLITE_FULL). Must hold: the lookup answered before the writer noticed keeps its entry (held and retried,
    /// never dropped); while the writer's last commit failed, a lookup gets the localized "temporarily unavailable"
    /// page (503, Retry-After) and /healthz is Degraded with the cause; once space is freed, the held entries are
    /// committed, /healthz is Healthy again, lookups answer, and the chain verifies with one entry per answer.
    /// </summary>
    [Theory]
    [InlineData(DiskFaultKind.Tmpfs)]
    [InlineData(DiskFaultKind.Injected)]
    public async Task Disk_full_under_the_audit_log_lookups_answer_temporarily_unavailable_then_recover_without_losing_an_entry(DiskFaultKind kind)
    {
        using var disk = FullDisk.Create(8, kind);
        await using var portal = PortalOn(disk);
        using var client = new BrowserlessClient(portal);
        var fields = await LookupFieldsAsync(portal);
        var lookupsBefore = await LookupEntriesAsync(portal);

        // Nothing of the database's own files may absorb the next append: the WAL is emptied, then the disk filled.
        await using (var connection = new SqliteConnection(disk.DatabaseConnectionString()))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }
        // The pooled connections stay open: their shared-memory file is mapped already (a new one would not fit).
        disk.Fill();

        var answered = 0;
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            var response = await client.SubmitAsync("/lookup", "lookup", fields);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                answered++;
                response.Dispose();
                await UntilAsync(async () => (await HealthAsync(portal)).Status != "Healthy", TimeSpan.FromSeconds(5), failIfNot: false);
            }
            else refused = response;
        }
        Assert.True(refused is not null, $"{disk.How}: no lookup was refused while the disk was full.");
        using (refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused!.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Contains("查询暂时不可用", html, StringComparison.Ordinal);
            Assert.Contains("name=\"Input.IdNumber\" value=\"110105199003072311\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"result-sheet\"", html, StringComparison.Ordinal);
        }
        Assert.True(answered >= 1, "No lookup was answered before the audit writer failed.");
        var degraded = await HealthAsync(portal);
        Assert.Equal("Degraded", degraded.Status);
        Assert.Contains("disk full", degraded.Body, StringComparison.Ordinal);

        disk.Free();
        await UntilAsync(async () => (await HealthAsync(portal)).Status == "Healthy", TimeSpan.FromSeconds(60));
        using (var again = await client.SubmitAsync("/lookup", "lookup", fields))
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        answered++;

        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        Assert.Equal(lookupsBefore + answered, await LookupEntriesAsync(portal));
        var verification = await portal.Services.GetRequiredService<AuditCheckpoints>().VerifyAsync();
        Assert.True(verification.Intact, string.Join("; ", verification.Problems));
    }

    private static async Task<Dictionary<string, string>> LookupFieldsAsync(DemoPortal portal)
    {
        await using var db = await CreateDbAsync(portal);
        var sessions = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync();
        return new()
        {
            ["Input.SessionCode"] = sessions.OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code,
            ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311", ["Input.Name"] = "张伟",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        };
    }

    private static async Task<int> LookupEntriesAsync(DemoPortal portal)
    {
        await using var db = await CreateDbAsync(portal);
        return await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ScoreLookup);
    }

    /// <summary>/healthz as an operator on the machine reads it (a loopback peer gets the details).</summary>
    private static async Task<(string Status, string Body)> HealthAsync(DemoPortal portal)
    {
        using var client = portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add(TestPeerAddress.Header, "127.0.0.1");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!, body);
    }

    /// <summary>Waits for a state (not a duration): polls until <paramref name="condition"/> holds or the deadline passes.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, bool failIfNot = true)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        if (failIfNot) Assert.Fail("The state was not reached within " + deadline);
    }
}
