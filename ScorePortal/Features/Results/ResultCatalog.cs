using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Platform.Caching;

namespace ScorePortal.Features.Results;

[ImmutableObject(true)]
public sealed record SubjectInfo(int Id, string NameZh, string NameEn, decimal FullMarks, decimal PassLine, int SortOrder);

[ImmutableObject(true)]
public sealed record QualificationInfo(int Id, string NameZh, string NameEn, string LevelZh, string LevelEn, int ScoreValidityYears,
    IReadOnlyList<SubjectInfo> Subjects);

[ImmutableObject(true)]
public sealed record CatalogSnapshot(IReadOnlyDictionary<int, QualificationInfo> Qualifications, IReadOnlyDictionary<string, ExamCenterContact> Centers);

/// <summary>
/// What a result sheet shows of the catalog (qualifications with level and subjects, exam-center contacts), from
/// HybridCache: a lookup reads only the candidate's own rows. Entries live a minute; every catalog and exam-center edit
/// calls <see cref="InvalidateAsync"/> after its commit so a changed pass line shows at once, on every instance when
/// several share one Redis (the removal travels through <c>Platform/Caching/SharedHybridCache</c>).
/// </summary>
public sealed class ResultCatalog(HybridCache cache, IDbContextFactory<ScorePortalDbContext> dbFactory)
{
    public const string Tag = "catalog";
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    public ValueTask<CatalogSnapshot> GetAsync(CancellationToken ct = default) =>
        cache.GetOrCreateAsync("catalog:lookup", async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            var qualifications = await db.Qualifications.AsNoTracking()
                .Select(q => new
                {
                    q.Id, q.NameZh, q.NameEn, LevelZh = q.Level.NameZh, LevelEn = q.Level.NameEn, q.ScoreValidityYears,
                    Subjects = q.Subjects.Select(s => new SubjectInfo(s.Id, s.NameZh, s.NameEn, s.FullMarks, s.PassLine, s.SortOrder)).ToList(),
                })
                .ToListAsync(token);
            var centers = await db.Provinces.AsNoTracking()
                .Select(p => new { p.Code, Contact = new ExamCenterContact(p.ExamCenterNameZh, p.ExamCenterNameEn, p.ContactPhone, p.ContactEmail, p.ContactAddress, p.Website) })
                .ToListAsync(token);
            return new CatalogSnapshot(
                qualifications.ToDictionary(q => q.Id, q => new QualificationInfo(q.Id, q.NameZh, q.NameEn, q.LevelZh, q.LevelEn, q.ScoreValidityYears,
                    [.. q.Subjects.OrderBy(s => s.SortOrder).ThenBy(s => s.Id)])),
                centers.ToDictionary(p => p.Code, p => p.Contact, StringComparer.Ordinal));
        }, Entry, [Tag], ct);

    /// <summary>After a catalog edit: every instance reads the catalog afresh (through Redis when several share it).</summary>
    public ValueTask InvalidateAsync(CancellationToken ct = default) => cache.RemoveByTagAsync(Tag, ct);

    /// <summary>This instance reads the catalog afresh: a snapshot lacked a row it was asked for (added moments ago elsewhere).</summary>
    public ValueTask RefreshHereAsync(CancellationToken ct = default) => cache.RemoveTagHereAsync(Tag, ct);
}
