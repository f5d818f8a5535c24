using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ScorePortal.Data;

namespace ScorePortal.Features.Batches;

/// <summary>Who did what to a batch, as the admin pages name them: the account's email (staff accounts, not candidates).</summary>
internal static class BatchPeople
{
    public static async Task<Dictionary<string, string>> EmailsAsync(ScorePortalDbContext db, IEnumerable<string?> userIds, CancellationToken ct)
    {
        var ids = userIds.OfType<string>().Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, ct);
    }

    public static string Describe(Dictionary<string, string> emails, string? userId, IStringLocalizer L) => userId switch
    {
        null => "—",
        BatchPublisher.SystemUserId => L["Batches.Page.Scheduler"],
        _ => emails.TryGetValue(userId, out var email) ? email : userId,
    };
}
