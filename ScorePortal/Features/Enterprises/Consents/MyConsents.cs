using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Features.Enterprises.Consents;

public sealed record MyConsentLine(int Id, string EnterpriseName, string EmployeeId, IReadOnlyList<QualificationChoice> Qualifications,
    DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, ConsentStatus Status);

public sealed record MyConsentPage(IReadOnlyList<MyConsentLine> Lines, int Page, int Pages, int Total);

/// <summary>The consents of the account's own record, newest first, a page at a time; never another candidate's.</summary>
public sealed class MyConsents(IDbContextFactory<ScorePortalDbContext> dbFactory, ResultCatalog catalog, TimeProvider time)
{
    public const int PageSize = 20;

    /// <summary>Null when the account has no linked record.</summary>
    public async Task<MyConsentPage?> ListAsync(string userId, int page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ConsentChoices.CandidateIdAsync(db, userId, ct) is not { } candidateId) return null;
        var mine = db.Consents.AsNoTracking().Where(c => c.CandidateId == candidateId);
        var total = await mine.CountAsync(ct);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await mine.OrderByDescending(c => c.GrantedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(c => new
            {
                c.Id, EnterpriseName = c.Enterprise.Name, c.EmployeeId, c.GrantedAt, c.ExpiresAt, c.RevokedAt,
                Qualifications = c.Qualifications.Select(q => q.QualificationId).ToList(),
            })
            .ToListAsync(ct);
        var snapshot = await catalog.GetAsync(ct);
        var now = time.GetUtcNow();
        var lines = rows.Select(r => new MyConsentLine(r.Id, r.EnterpriseName, r.EmployeeId,
                [.. r.Qualifications.Order().Select(id => snapshot.Qualifications.TryGetValue(id, out var q)
                    ? new QualificationChoice(q.Id, q.NameZh, q.NameEn, q.LevelZh, q.LevelEn) : null).OfType<QualificationChoice>()],
                r.GrantedAt, r.ExpiresAt, r.RevokedAt, ConsentText.StatusOf(r.RevokedAt, r.ExpiresAt, now)))
            .ToList();
        return new MyConsentPage(lines, page, pages, total);
    }
}
