using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Bench;

/// <summary>
/// <c>bench-audit-size [--after-days N]</c> (bench/audit/run.sh, on a copy of a benchmark database; the script measures
/// the SQLite side with the sqlite3 shell's <c>dbstat</c>, which the portal's bundled SQLite lacks): the portal's own
/// archiver run on a clock moved past Audit:Archive:After, and the compressed archive's bytes per row. Destructive: it archives and deletes rows.
/// </summary>
public static class BenchAuditSizeCommand
{
    public static readonly PortalCommand Command = new("bench-audit-size",
        "Measure audit bytes per row in SQLite and in compressed archives (archives a COPY of the database).", RunAsync);

    private sealed class Shifted(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var dbFactory = services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>();
        // The archiver needs a signed checkpoint to end at and leaves the newest entry live: sign one, then write one more.
        await services.GetRequiredService<AuditCheckpoints>().CreateAsync();
        await services.GetRequiredService<AuditLog>().WriteDurableAsync(new AuditRecord("bench.audit-size"));

        var options = services.GetRequiredService<IOptions<AuditOptions>>();
        var clock = new Shifted(TimeSpan.FromDays(args.GetInt("after-days", (int)options.Value.Archive.After.TotalDays) + 1));
        var archiver = new AuditArchiver(dbFactory, services.GetRequiredService<AuditSigner>(), clock, services.GetRequiredService<AuditCheckpointFile>(),
            services.GetRequiredService<AuditArchiveStore>(), options, services.GetRequiredService<ILogger<AuditArchiver>>());
        var watch = Stopwatch.StartNew();
        var run = await archiver.ArchiveAsync();
        watch.Stop();
        if (run.Refused is { } refused)
        {
            output.WriteLine($"archiving refused: {refused}");
            return 1;
        }
        var archived = run.Archived.Sum(m => m.Count);
        var compressed = run.Archived.Sum(m => m.Bytes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT archive files={run.Archived.Count} rows={archived} bytes={compressed} bytes_per_row={(double)compressed / Math.Max(1, archived):F1} seconds={watch.Elapsed.TotalSeconds:F1} rows_per_s={archived / Math.Max(0.001, watch.Elapsed.TotalSeconds):F0} deleted={run.Deleted}"));
        return 0;
    }
}
