using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Audit;

/// <summary>
/// Names the accounts an audit page or export mentions by their email, read when shown (the log itself holds ids only,
/// so it outlives accounts and holds no PII). A candidate's address is masked (j***@example.com): admins read the log
/// to see who of their own people did what, not to collect candidates' addresses. An account that no longer exists is
/// shown by its id.
/// </summary>
public static class AuditPeople
{
    /// <summary>Labels for <paramref name="userIds"/>: the email, masked unless the account holds a staff, expert, admin or enterprise role.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LabelsAsync(ScorePortalDbContext db, IEnumerable<string?> userIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = userIds.OfType<string>().Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return new Dictionary<string, string>(StringComparer.Ordinal);
        var privileged = Roles.Privileged.ToList();
        var accounts = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.Email,
                Privileged = db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && privileged.Contains(r.Name!))),
            })
            .ToListAsync(ct);
        return accounts.ToDictionary(a => a.Id, a => Label(a.Email, a.Privileged), StringComparer.Ordinal);
    }

    /// <summary>The email as shown: in full for the portal's own people, masked for everyone else.</summary>
    public static string Label(string? email, bool privileged) =>
        email is not { Length: > 0 } ? "—" : privileged ? email : Notices.MaskEmail(email);
}
