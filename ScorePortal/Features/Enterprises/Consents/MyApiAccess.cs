using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;

namespace ScorePortal.Features.Enterprises.Consents;

/// <param name="Fields">The fields returned, by their API names (<see cref="ConsentFields"/>); empty when none were.</param>
public sealed record MyAccessLine(long Id, DateTimeOffset At, string EnterpriseName, string? EmployeeId, QualificationChoice? Qualification,
    string Outcome, IReadOnlyList<string> Fields);

public sealed record MyAccessPage(IReadOnlyList<MyAccessLine> Lines, int Page, int Pages, int Total);

/// <summary>
/// "Who looked at my results": every call of the enterprise API that named the account's own record
/// (<see cref="ApiAccess.CandidateId"/>), newest first, a page at a time. The rows are written by the API before it
/// answers; this only reads them, and only the candidate's own.
/// </summary>
public sealed class MyApiAccess(IDbContextFactory<ScorePortalDbContext> dbFactory, ResultCatalog catalog)
{
    public const int PageSize = 20;

    /// <summary>Null when the account has no linked record.</summary>
    public async Task<MyAccessPage?> ListAsync(string userId, int page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await ConsentChoices.CandidateIdAsync(db, userId, ct) is not { } candidateId) return null;
        var mine = db.ApiAccessLog.AsNoTracking().Where(a => a.CandidateId == candidateId);
        var total = await mine.CountAsync(ct);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        var rows = await mine.OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Select(a => new
            {
                a.Id, a.At, EnterpriseName = db.Enterprises.Where(e => e.Id == a.EnterpriseId).Select(e => e.Name).FirstOrDefault(),
                a.EmployeeId, a.QualificationId, a.Outcome, a.Fields,
            })
            .ToListAsync(ct);
        var snapshot = await catalog.GetAsync(ct);
        var lines = rows.Select(r => new MyAccessLine(r.Id, r.At, r.EnterpriseName ?? "", r.EmployeeId,
                r.QualificationId is { } id && snapshot.Qualifications.TryGetValue(id, out var q)
                    ? new QualificationChoice(q.Id, q.NameZh, q.NameEn, q.LevelZh, q.LevelEn) : null,
                r.Outcome, [.. ConsentText.FieldsOf(r.Fields)]))
            .ToList();
        return new MyAccessPage(lines, page, pages, total);
    }
}
