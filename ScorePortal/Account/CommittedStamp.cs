using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Account;

/// <summary>
/// Whether an account change committed after a fault hid it (its commit acknowledgement lost; see
/// <see cref="DatabaseTransactions"/>): every such change rotates the security stamp, so the stored stamp being the one
/// this attempt set means its commit happened — a stamp is a fresh random value, no other change sets the same.
/// </summary>
internal static class CommittedStamp
{
    public static async Task<bool> IsStoredAsync(ScorePortalDbContext db, ApplicationUser user, CancellationToken ct) =>
        user.SecurityStamp is { } stamp && await db.Users.AsNoTracking().AnyAsync(u => u.Id == user.Id && u.SecurityStamp == stamp, ct);
}
