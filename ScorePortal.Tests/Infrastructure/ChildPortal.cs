using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Operations;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>
/// The portal as a child process that a test can kill (SIGKILL) while it works: this test assembly's entry point
/// (<c>dotnet ScorePortal.Tests.dll &lt;work&gt; …</c>, the csproj turns the test SDK's empty generated one off) builds
/// the portal's own host (<see cref="Program.CreateBuilder"/>, as <c>serve</c> and bench/ScorePortal.Bench do), starts
/// it with every background job — audit writer, outbox worker, checkpoints — and runs one of the tests' works on it:
/// the use case a page or an endpoint calls, in a loop, one line on standard output after each. Use cases that run in
/// the web app only (a review decision is a Blazor button) are killed this way; the product has no test-only entry.
/// </summary>
public static class ChildPortal
{
    /// <summary>The works a child can run, by name: the tests' loops and <see cref="DrainAsync"/>.</summary>
    private static readonly Dictionary<string, Func<IServiceProvider, CommandArguments, TextWriter, Task<int>>> Works = new(StringComparer.Ordinal)
    {
        ["drain"] = DrainAsync,
        [Features.Reviews.KilledReviewDecisionTests.Work] = Features.Reviews.KilledReviewDecisionTests.DecideAsync,
        [Features.Reports.KilledReportIssueTests.Work] = Features.Reports.KilledReportIssueTests.IssueAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || !Works.TryGetValue(args[0], out var work))
        {
            await Console.Error.WriteLineAsync("Usage: dotnet ScorePortal.Tests.dll " + string.Join('|', Works.Keys) + " [--option value …] (started by the kill tests)");
            return 2;
        }
        var app = Program.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(Program).Assembly.GetName().Name }).Build();
        await Program.Preparation(app).RunAsync(CommandNeeds.Database);
        await app.StartAsync();
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await work(scope.ServiceProvider, new CommandArguments(args[1..]), Console.Out);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>
    /// The restarted portal's outbox: waits until every message is delivered (the ones a killed worker held are taken
    /// again once their lease lapses) or dead, then prints <c>drained pending=N dead=N</c>; gives up after --seconds.
    /// </summary>
    private static async Task<int> DrainAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        var signal = services.GetRequiredService<OutboxSignal>();
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(args.GetInt("seconds", 30));
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var pending = await db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.FailedAt == null);
            var dead = await db.OutboxMessages.CountAsync(m => m.FailedAt != null);
            if (pending == 0 || deadline.Elapsed > limit)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"drained pending={pending} dead={dead}"));
                return pending == 0 ? 0 : 1;
            }
            signal.Notify();
            await Task.Delay(200);
        }
    }

    /// <summary>Settings of a child on <paramref name="portal"/>'s database, which the test's own portal has migrated.</summary>
    public static Dictionary<string, string?> Settings(PortalFactory portal)
    {
        var settings = new Dictionary<string, string?>(portal.Settings, StringComparer.OrdinalIgnoreCase)
        {
            // A process killed while it holds EF's migration lock leaves it behind (docs/operations.md): these tests
            // kill the operation, not the migration.
            ["Database:MigrateOnStart"] = "false",
            [PortalFactory.DemoSeed] = "false",
            ["Urls"] = "http://127.0.0.1:0",
            // A message a killed worker had claimed is taken again once its lease lapses: seconds here, not minutes
            // (the lease must outlast three SMTP and two webhook timeouts; the test's mail server is local).
            ["Outbox:LeaseDuration"] = "00:00:03",
            ["Smtp:Timeout"] = "00:00:00.900",
            ["Enterprises:Webhooks:Timeout"] = "00:00:01",
            ["Enterprises:Webhooks:ConnectTimeout"] = "00:00:00.500",
            ["Outbox:PollInterval"] = "00:00:00.250",
            // The audit entry a killed process had promised (AuditIntent) is written in its place after this grace.
            ["Audit:IntentGrace"] = "00:00:01",
        };
        return settings;
    }

    /// <summary>
    /// Runs a child; <paramref name="killAfter"/> sees each line it prints and answers how long to wait before killing
    /// it (SIGKILL, whole tree), or null to let it go on. Returns every line it printed (those after the one that
    /// triggered the kill too) and the exit code (null: killed).
    /// </summary>
    public static async Task<(List<string> Lines, int? ExitCode)> RunAsync(PortalFactory portal, string[] args,
        Func<string, TimeSpan?>? killAfter = null, TimeSpan? timeout = null)
    {
        var entry = typeof(ChildPortal).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(entry)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(entry);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in Settings(portal))
            if (value is not null) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
                if (killAfter?.Invoke(line) is { } wait)
                {
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, deadline.Token);
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                    // What it printed before it died, still in the pipe: a busy test process reads behind the child.
                    while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } rest) lines.Add(rest);
                    return (lines, null);
                }
            }
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish:\n{string.Join('\n', lines)}\n{await error}");
        }
        var exitCode = process.ExitCode;
        if (exitCode != 0) Assert.Fail($"'{string.Join(' ', args)}' exited {exitCode}:\n{string.Join('\n', lines)}\n{await error}");
        return (lines, exitCode);
    }

    /// <summary><c>verify-audit</c>, the operators' command, on the portal's database: must exit 0.</summary>
    public static async Task AssertAuditVerifiesAsync(PortalFactory portal)
    {
        var verify = await PortalProcess.RunAsync("Testing", portal, ["verify-audit", "--lang", "en-US"],
            new Dictionary<string, string?> { ["Database:MigrateOnStart"] = "false" });
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
    }
}
