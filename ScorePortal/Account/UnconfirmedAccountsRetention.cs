using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Retention;
using ScorePortal.Security;

namespace ScorePortal.Account;

/// <summary>
/// Deletes self-registered accounts whose email was never confirmed, Retention:UnconfirmedAccounts after they were
/// created: the address was never proven, so the row is only someone's typed email. Never an account linked to a
/// candidate record, and never an invited staff, expert, admin or enterprise account (any role besides Candidate): an
/// admin answers for those in /admin/accounts. Its roles, claims, tokens, one-time codes and sessions go with it
/// (cascades); the audit log keeps the id only.
/// </summary>
internal sealed class UnconfirmedAccountsRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RetentionOptions> options)
    : IRetentionRule
{
    public string Name => "unconfirmed-accounts";

    public TimeSpan Period => options.Value.UnconfirmedAccounts;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        var after = "";
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var candidateRole = await db.Roles.Where(r => r.Name == Roles.Candidate).Select(r => r.Id).FirstOrDefaultAsync(ct) ?? "";
            // Keyset pages over the unconfirmed accounts (few); the age is compared here, the same on both providers.
            var page = await db.Users
                .Where(u => !u.EmailConfirmed && string.Compare(u.Id, after) > 0
                            && !db.Candidates.Any(c => c.UserId == u.Id)
                            && !db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId != candidateRole))
                .OrderBy(u => u.Id).Take(pass.BatchSize).Select(u => new { u.Id, u.CreatedAt }).ToListAsync(ct);
            if (page.Count == 0) return total;
            after = page[^1].Id;
            var expired = page.Where(u => u.CreatedAt < pass.Cutoff).Select(u => u.Id).ToList();
            if (expired.Count > 0)
                total += await db.Users.Where(u => expired.Contains(u.Id) && !u.EmailConfirmed && !db.Candidates.Any(c => c.UserId == u.Id))
                    .ExecuteDeleteAsync(ct);
            if (page.Count < pass.BatchSize) return total;
        }
    }
}
