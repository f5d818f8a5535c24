using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises;

/// <summary>
/// Which enterprise a signed-in Enterprise account acts for. Every page and endpoint of the enterprise area asks this
/// on the server and touches that enterprise's rows only.
/// </summary>
public static class EnterpriseMembership
{
    /// <summary>The enterprise of <paramref name="user"/>, or null (not an enterprise account, or not a member of any).</summary>
    public static async Task<int?> EnterpriseOfAsync(ScorePortalDbContext db, ClaimsPrincipal user, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var userId = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || !user!.IsInRole(Security.Roles.Enterprise)) return null;
        return await db.EnterpriseMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => (int?)m.EnterpriseId).FirstOrDefaultAsync(ct);
    }
}
