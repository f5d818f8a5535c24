using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ScorePortal.Features.Reports;
using ScorePortal.Operations;

namespace ScorePortal.Bench;

/// <summary>
/// <c>bench-reports --count 500 --culture zh-CN --parallel 2</c>: renders and signs reports in a loop, as the download
/// endpoint would, and prints reports/s, latency percentiles and the process's peak memory (bench/report/run.sh).
/// Names rotate through the demo's hard cases (Extension A and B, a middle dot, Latin), so the fallback fonts take
/// part in every run; each report gets its own ticket and verification code, so nothing is cached between them.
/// </summary>
public static class BenchReportsCommand
{
    public static readonly PortalCommand Command = new("bench-reports",
        "Render and sign N score reports and print reports/s, p50/p95/p99 and peak memory: --count N --culture zh-CN|en-US --parallel P [--out FILE.pdf]",
        RunAsync, CommandNeeds.Nothing);

    private static readonly string[] Names = ["张伟", "杨𠮷", "赵䶮", "买买提·艾力", "SMITH JOHN", "陈静"];

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var count = Math.Max(1, args.GetInt("count", 500));
        var culture = args.Get("culture") ?? "zh-CN";
        var parallel = Math.Max(1, args.GetInt("parallel", Environment.ProcessorCount));
        var renderer = services.GetRequiredService<ScoreReportRenderer>();
        var check = services.GetRequiredService<ReportSignatureCheck>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();

        // Warm-up: font parsing, JIT and the first subset of each font happen once per process, not per report.
        var sample = renderer.Render(Sample(culture, 0, now));
        if (check.Check(sample) != ReportSignatureVerdict.Valid)
        {
            output.WriteLine("error=the rendered report does not verify");
            return 1;
        }
        if (args.Get("out") is { } path) await File.WriteAllBytesAsync(path, sample);
        for (var i = 1; i < 20; i++) renderer.Render(Sample(culture, i, now));

        var latencies = new double[count];
        long bytes = 0;
        var next = -1;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, parallel).Select(_ => Task.Run(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var content = Sample(culture, i, now);
                var started = Stopwatch.GetTimestamp();
                var pdf = renderer.Render(content);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Interlocked.Add(ref bytes, pdf.Length);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        total.Stop();

        Array.Sort(latencies);
        process.Refresh();
        // CPU per report says what the machine can do when it is not shared; wall-clock figures depend on the neighbours.
        var cpuPerReport = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv,
            $"RESULT reports={count} culture={culture} parallel={parallel} seconds={total.Elapsed.TotalSeconds:0.00} " +
            $"reports_per_s={count / total.Elapsed.TotalSeconds:0.0} p50_ms={Percentile(latencies, 50):0.0} " +
            $"p95_ms={Percentile(latencies, 95):0.0} p99_ms={Percentile(latencies, 99):0.0} max_ms={latencies[^1]:0.0} " +
            $"cpu_ms_per_report={cpuPerReport:0.0} avg_kb={bytes / 1024.0 / count:0.0} peak_working_set_mb={process.PeakWorkingSet64 / 1048576.0:0} " +
            $"gc_heap_mb={GC.GetTotalMemory(false) / 1048576.0:0}"));
        return 0;
    }

    internal static double Percentile(double[] sorted, int percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static ScoreReportContent Sample(string culture, int i, DateTimeOffset now)
    {
        var english = culture.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(10));
        var grouped = string.Join('-', code.Chunk(4).Select(c => new string(c)));
        var ticket = string.Create(CultureInfo.InvariantCulture, $"2026H1-32-{i + 1:D6}");
        return new ScoreReportContent(
            culture,
            Names[i % Names.Length],
            "320102********3808",
            english ? "2026 first half (2026H1)" : "2026年上半年（2026H1）",
            english ? "Systems Architect" : "系统架构设计师",
            english ? "Senior" : "高级资格",
            english ? "Jiangsu" : "江苏",
            ticket,
            [
                new(english ? "Comprehensive knowledge" : "综合知识", 53, 75, 45, ReportSubjectResult.Passed),
                new(english ? "Case study" : "案例分析", 49, 75, 45, ReportSubjectResult.Passed),
                new(english ? "Essay" : "论文", 46.5m, 75, 45, ReportSubjectResult.Passed),
            ],
            true,
            string.Create(CultureInfo.InvariantCulture, $"RK20260708{i + 1:D6}"),
            [new(english ? "Case study" : "案例分析", english ? "2025 second half" : "2025年下半年", 48, 2026)],
            now,
            grouped,
            "https://scores.example.org/verify/" + grouped);
    }
}
