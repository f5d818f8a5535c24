using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Retention;

namespace ScorePortal.Account.Sessions;

/// <summary>
/// Deletes sign-in session rows (browser, system, masked network) last seen more than Retention:SignInSessions ago. The
/// hourly <see cref="AccountSessionsCleanup"/> already deletes a row once no cookie can carry it (hours after it was last
/// seen); this rule is the documented upper bound, so the promise holds even when that cleanup is behind or changed.
/// Sign-ins themselves stay in the audit log (ids only).
/// </summary>
internal sealed class SignInSessionsRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RetentionOptions> options) : IRetentionRule
{
    public string Name => "sign-in-sessions";

    public TimeSpan Period => options.Value.SignInSessions;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var due = await db.AccountSessions.Where(s => s.LastSeenAt < pass.Cutoff).OrderBy(s => s.LastSeenAt)
                .Take(pass.BatchSize).Select(s => s.Id).ToListAsync(ct);
            if (due.Count == 0) return total;
            total += await db.AccountSessions.Where(s => due.Contains(s.Id)).ExecuteDeleteAsync(ct);
            if (due.Count < pass.BatchSize) return total;
        }
    }
}
