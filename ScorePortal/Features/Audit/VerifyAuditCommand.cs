using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Operations;

namespace ScorePortal.Features.Audit;

/// <summary><c>verify-audit</c>: walks the whole chain and names the first entry that was edited, deleted or moved.</summary>
public static class VerifyAuditCommand
{
    public static readonly PortalCommand Command = new("verify-audit",
        "Verify the audit log's hash chain; exit code 1 names the first broken entry.", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var count = await db.AuditEntries.CountAsync();
        // Streams the rows in order; the chain is checked without holding the log in memory.
        var broken = AuditChain.FirstBroken(db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsEnumerable());
        if (broken is null)
        {
            output.WriteLine($"Audit chain intact: {count} entries.");
            return 0;
        }
        output.WriteLine($"Audit chain broken at entry #{broken} (of {count}): that entry was edited, deleted or moved.");
        return 1;
    }
}
