using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;

namespace ScorePortal.Features.Enterprises.Consents;

/// <summary>An enterprise as the search lists it.</summary>
public sealed record ConsentEnterprise(int Id, string Name, string CreditCode);

/// <summary>
/// What the search found: <paramref name="Matches"/> (at most <see cref="ConsentChoices.SearchLimit"/>), whether more
/// matched than shown, and whether a search is needed at all (no query and too many enterprises to list).
/// </summary>
public sealed record EnterpriseSearch(IReadOnlyList<ConsentEnterprise> Matches, bool More, bool SearchNeeded);

/// <summary>What the consent page states about the enterprise before the candidate agrees.</summary>
public sealed record ConsentStatement(int Id, string Name, string CreditCode, string ContactName, string ContactEmail, string? ContactPhone, string Purpose);

/// <summary>A qualification the candidate may include in a consent: one they registered for.</summary>
public sealed record QualificationChoice(int Id, string NameZh, string NameEn, string LevelZh, string LevelEn)
{
    public string Name => PortalFormat.Name(NameZh, NameEn);
    public string Level => PortalFormat.Name(LevelZh, LevelEn);
}

/// <summary>The linked record of an account as the consent pages need it: its id and the qualifications it registered for.</summary>
public sealed record ConsentCandidate(int CandidateId, IReadOnlyList<QualificationChoice> Qualifications);

/// <summary>
/// The reads behind the grant page: the enterprises a candidate may choose (never suspended ones, never the whole list
/// when it is long), what is stated about the chosen one, and the candidate's own qualifications. The candidate is
/// always found by the account id, never by an id from the request.
/// </summary>
public sealed class ConsentChoices(IDbContextFactory<ScorePortalDbContext> dbFactory, ResultQuery query, ResultCatalog catalog)
{
    public const int SearchLimit = 20;

    /// <summary>Without a query, the enterprises are listed when there are at most this many; otherwise a search is asked for.</summary>
    public const int ListAllUpTo = 10;

    public const int QueryMaxLength = 100;

    public async Task<EnterpriseSearch> FindEnterprisesAsync(string? text, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = db.Enterprises.AsNoTracking().Where(e => e.SuspendedAt == null);
        var q = text?.Trim() ?? "";
        if (q.Length == 0)
        {
            var few = await open.OrderBy(e => e.Name).Take(ListAllUpTo + 1)
                .Select(e => new ConsentEnterprise(e.Id, e.Name, e.CreditCode)).ToListAsync(ct);
            return few.Count <= ListAllUpTo ? new EnterpriseSearch(few, false, false) : new EnterpriseSearch([], false, true);
        }
        if (q.Length > QueryMaxLength) q = q[..QueryMaxLength];
        var code = q.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var pattern = "%" + q.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var matches = await open.Where(e => EF.Functions.Like(e.Name, pattern, "\\") || e.CreditCode == code)
            .OrderBy(e => e.Name).Take(SearchLimit + 1)
            .Select(e => new ConsentEnterprise(e.Id, e.Name, e.CreditCode)).ToListAsync(ct);
        return new EnterpriseSearch([.. matches.Take(SearchLimit)], matches.Count > SearchLimit, false);
    }

    /// <summary>The enterprise's statement, or null when it does not exist or is suspended.</summary>
    public async Task<ConsentStatement?> StatementAsync(int enterpriseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var e = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enterpriseId && e.SuspendedAt == null, ct);
        return e is null ? null : new ConsentStatement(e.Id, e.Name, e.CreditCode, e.ContactName, e.ContactEmail, e.ContactPhone, e.Purpose);
    }

    /// <summary>The account's linked record and the qualifications it registered for (any session), or null when none is linked.</summary>
    public async Task<ConsentCandidate?> CandidateAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidate = await db.Candidates.AsNoTracking().Where(c => c.UserId == userId)
            .Select(c => new { c.Id, c.IdType, c.IdNumberIndex }).FirstOrDefaultAsync(ct);
        if (candidate is null) return null;
        // The results read model's own rows: every registration of the record, released or not (a consent may cover a
        // sitting whose results come later).
        var rows = await query.ByIdNumberAsync(candidate.IdType, candidate.IdNumberIndex, ct);
        var snapshot = await catalog.GetAsync(ct);
        var choices = rows.Select(r => r.QualificationId).Distinct()
            .Select(id => snapshot.Qualifications.TryGetValue(id, out var q) ? new QualificationChoice(q.Id, q.NameZh, q.NameEn, q.LevelZh, q.LevelEn) : null)
            .OfType<QualificationChoice>()
            .OrderBy(q => q.Id)
            .ToList();
        return new ConsentCandidate(candidate.Id, choices);
    }

    /// <summary>The candidate linked to the account, or null.</summary>
    internal static Task<int?> CandidateIdAsync(ScorePortalDbContext db, string userId, CancellationToken ct) =>
        db.Candidates.AsNoTracking().Where(c => c.UserId == userId).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
}
