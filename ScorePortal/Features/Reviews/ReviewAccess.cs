using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reviews;

/// <summary>
/// Who may reach which request, decided on the server from the account record (never from the request): a candidate
/// their own record's requests, staff the requests of the province their account is bound to, an expert only the
/// assignments made to them. Everything else answers "not found".
/// </summary>
public static class ReviewAccess
{
    public static string? UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>The province an account (staff or expert) is bound to; null when none.</summary>
    public static Task<string?> ProvinceOfAsync(ScorePortalDbContext db, string? userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.ProvinceCode).FirstOrDefaultAsync(ct);

    /// <summary>The candidate record linked to an account; null when none.</summary>
    public static Task<int?> CandidateOfAsync(ScorePortalDbContext db, string? userId, CancellationToken ct) =>
        db.Candidates.Where(c => c.UserId == userId).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);

    /// <summary>The requests a staff account may see: those of its province (none without one).</summary>
    public static IQueryable<ReviewRequest> ForStaff(ScorePortalDbContext db, string? province) =>
        db.ReviewRequests.Where(r => province != null && r.ProvinceCode == province);
}
