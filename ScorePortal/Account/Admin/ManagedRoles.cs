using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Security;

namespace ScorePortal.Account.Admin;

/// <summary>
/// The roles the account pages give and take: staff, expert and admin. Candidates register themselves; enterprise
/// people are invited and removed on their enterprise's page. Staff and experts work for one province (staff see its
/// review requests, experts re-mark other provinces' scripts), so they are bound to one.
/// </summary>
public static class ManagedRoles
{
    public static readonly string[] All = [Roles.Staff, Roles.Expert, Roles.Admin];

    public static bool NeedProvince(IEnumerable<string> roles) => roles.Any(r => r is Roles.Staff or Roles.Expert);

    /// <summary>Null when <paramref name="province"/> suits <paramref name="roles"/>; else the refusal's key.</summary>
    internal static async Task<string?> CheckProvinceAsync(ScorePortalDbContext db, IEnumerable<string> roles, string? province, CancellationToken ct)
    {
        if (!NeedProvince(roles)) return null;
        if (string.IsNullOrWhiteSpace(province)) return AccountAdminErrors.ProvinceRequired;
        var code = province.Trim();
        return await db.Provinces.AnyAsync(p => p.Code == code, ct) ? null : AccountAdminErrors.UnknownProvince;
    }
}
