using ScorePortal.Operations;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Audit;

/// <summary>
/// <c>archive-audit</c>: archives now what the background job archives every Audit:Archive:Interval — every range of
/// entries older than Audit:Archive:After that ends at a signed checkpoint — into signed, compressed files in
/// Audit:Archive:Directory, then removes those rows from the live table. Exit code 0 when done (or nothing was due),
/// 2 when another archiver holds the lease, 1 when archiving was refused (the message says why).
/// </summary>
public static class ArchiveAuditCommand
{
    public static readonly PortalCommand Command = new("archive-audit",
        "Archive audit entries older than Audit:Archive:After (up to a signed checkpoint) into signed, compressed files in Audit:Archive:Directory and remove them from the live table.",
        RunAsync, CommandNeeds.Database);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var archiver = services.GetRequiredService<AuditArchiver>();
        var store = services.GetRequiredService<AuditArchiveStore>();
        AuditArchiveRun run;
        try
        {
            run = await archiver.ArchiveAsync();
        }
        catch (InvalidOperationException e)
        {
            output.WriteLine($"Archiving stopped: {e.Message}");
            return 1;
        }
        if (run.Busy)
        {
            output.WriteLine("Another archiver holds the lease (in Redis, or archive.lock in the archive directory): nothing was archived.");
            return 2;
        }
        if (run.LeaseUnavailable && run.Archived.Count == 0)
        {
            output.WriteLine("The archive lease cannot be taken (Redis does not answer): nothing was archived.");
            return 2;
        }
        foreach (var m in run.Archived)
            output.WriteLine($"Archived entries #{m.FirstSequence} to #{m.LastSequence} ({m.Count} entries, {m.Bytes} bytes) to {Path.Combine(store.Directory, m.File)}.");
        if (run.Refused is { } reason)
        {
            output.WriteLine($"Archiving refused: {reason}.");
            return 1;
        }
        if (run.Archived.Count == 0) output.WriteLine("Nothing to archive: no signed checkpoint ends a range older than Audit:Archive:After.");
        else output.WriteLine($"{run.Deleted} entries removed from the live table; verify-audit proves the whole history.");
        return 0;
    }
}
