using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Bench;

/// <summary>
/// <c>bench-issue-reports --count 300 --parallel 2</c>: the whole issue of a score report as the download endpoint runs
/// it — the linked record read through the lookup query, the PDF rendered and signed, file and figures sealed, the
/// register row written, the audit entry committed — in a loop, and prints reports/s, latency percentiles and peak
/// memory (bench/report/run.sh). Needs the demo data: each worker links a bench account to a demo candidate with a
/// released session; between two issues the worker's reports are marked superseded (as a review decision does; one
/// UPDATE, counted in the throughput), so every issue is a new report.
/// </summary>
public static class BenchIssueReportsCommand
{
    public static readonly PortalCommand Command = new("bench-issue-reports",
        "Issue N score reports through the register (render, sign, seal, store, audit) and print reports/s and percentiles: --count N --parallel P --culture zh-CN|en-US",
        RunAsync, CommandNeeds.DemoData);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var count = Math.Max(1, args.GetInt("count", 300));
        var parallel = Math.Max(1, args.GetInt("parallel", Environment.ProcessorCount));
        var culture = args.Get("culture") ?? "zh-CN";
        var issue = services.GetRequiredService<IssueReport>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        var workers = await BenchAccountsAsync(services, parallel);
        if (workers.Count < parallel)
        {
            output.WriteLine("error=the database holds fewer released demo records than --parallel; start with Demo:Seed=true");
            return 1;
        }

        async Task<double> IssueOnceAsync((string UserId, int RegistrationId) worker)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await issue.HandleAsync(new IssueReportRequest(worker.UserId, worker.RegistrationId, culture, "https://scores.example.org/verify", null));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (outcome is not IssueReportOutcome.Issued { Reused: false })
                throw new InvalidOperationException($"bench issue answered {outcome}");
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.ReportIssues.Where(r => r.Candidate.UserId == worker.UserId && r.Status == ReportStatus.Valid)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReportStatus.Superseded).SetProperty(r => r.EndedAt, time.GetUtcNow()));
            return elapsed;
        }

        foreach (var worker in workers) for (var i = 0; i < 5; i++) await IssueOnceAsync(worker);

        var latencies = new double[count];
        var next = -1;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) latencies[i] = await IssueOnceAsync(worker);
        })));
        total.Stop();

        Array.Sort(latencies);
        process.Refresh();
        var cpuPerReport = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT issued={count} culture={culture} parallel={parallel} seconds={total.Elapsed.TotalSeconds:0.00} " +
            $"reports_per_s={count / total.Elapsed.TotalSeconds:0.0} p50_ms={BenchReportsCommand.Percentile(latencies, 50):0.0} " +
            $"p95_ms={BenchReportsCommand.Percentile(latencies, 95):0.0} p99_ms={BenchReportsCommand.Percentile(latencies, 99):0.0} max_ms={latencies[^1]:0.0} " +
            $"cpu_ms_per_issue={cpuPerReport:0.0} peak_working_set_mb={process.PeakWorkingSet64 / 1048576.0:0}"));
        return 0;
    }

    /// <summary>One bench account per worker, each linked to its own demo record that has a released session.</summary>
    private static async Task<List<(string UserId, int RegistrationId)>> BenchAccountsAsync(IServiceProvider services, int count)
    {
        var result = new List<(string, int)>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        var myRecord = services.GetRequiredService<MyRecord>();
        var time = services.GetRequiredService<TimeProvider>();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var candidates = await db.Candidates.Where(c => c.UserId == null && c.Registrations.Any(r => r.ExamSession.PublishedAt != null))
            .OrderBy(c => c.Id).Select(c => c.Id).Take(count * 4).ToListAsync();
        foreach (var candidateId in candidates)
        {
            if (result.Count == count) break;
            var email = $"bench-{Guid.NewGuid():N}@bench.invalid";
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
            if (!(await users.CreateAsync(user)).Succeeded) continue;
            await users.AddToRoleAsync(user, Roles.Candidate);
            await db.Candidates.Where(c => c.Id == candidateId).ExecuteUpdateAsync(s => s.SetProperty(c => c.UserId, user.Id));
            var record = await myRecord.LoadAsync(user.Id);
            if (record?.Sessions.FirstOrDefault(s => s.Sheet is not null) is { } session) result.Add((user.Id, session.RegistrationId));
        }
        return result;
    }
}
