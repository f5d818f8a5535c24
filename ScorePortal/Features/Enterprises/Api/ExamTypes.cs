using System.Collections.Frozen;
using System.ComponentModel;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Platform.Caching;

namespace ScorePortal.Features.Enterprises.Api;

/// <summary>A qualification an <c>exam_type</c> named.</summary>
[ImmutableObject(true)]
public sealed record ExamType(int QualificationId, string Code, string LevelCode);

/// <summary>The names an <c>exam_type</c> may be written as, folded, each naming one qualification.</summary>
[ImmutableObject(true)]
public sealed record ExamTypeIndex(IReadOnlyDictionary<string, ExamType> ByName);

/// <summary>
/// Which qualification an <c>exam_type</c> names: its code (<c>S03</c>), its name (<c>系统架构设计师</c>,
/// <c>System Architecture Designer</c>) or the level's short word and the name as one phrase (<c>高级系统架构设计师</c>,
/// <c>高级 系统架构设计师</c>, <c>Senior System Architecture Designer</c>; the full level name <c>高级资格</c> works too). Both
/// sides are compared folded (<see cref="Fold"/>): NFKC, so full-width letters, digits and spaces are the ASCII ones;
/// lower case; white space removed. A name two qualifications share names the active one, or nothing when both are
/// (or neither is) active. The index comes from HybridCache under the catalog's tag, so every catalog edit
/// (<see cref="ResultCatalog.InvalidateAsync"/>) clears it with the lookup's snapshot, and a name not found reads the
/// catalog afresh at most every ten seconds (a qualification added on another instance within the minute).
/// </summary>
public sealed class ExamTypes(HybridCache cache, IDbContextFactory<ScorePortalDbContext> dbFactory)
{
    public const int MaxLength = 100;

    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    private const string CacheKey = "catalog:exam-types";

    /// <summary>A miss reads the catalog afresh at most this often (a qualification added on another instance within the minute).</summary>
    private const long RefreshOnMissMilliseconds = 10_000;

    private long _refreshedAt = long.MinValue;

    /// <summary>The qualification <paramref name="examType"/> names, or null.</summary>
    public async ValueTask<ExamType?> FindAsync(string examType, CancellationToken ct)
    {
        var key = Fold(examType);
        if (key.Length == 0) return null;
        if ((await IndexAsync(ct)).ByName.GetValueOrDefault(key) is { } found) return found;
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _refreshedAt);
        if (now - last < RefreshOnMissMilliseconds || Interlocked.CompareExchange(ref _refreshedAt, now, last) != last) return null;
        await cache.RemoveHereAsync(CacheKey, ct);
        return (await IndexAsync(ct)).ByName.GetValueOrDefault(key);
    }

    private ValueTask<ExamTypeIndex> IndexAsync(CancellationToken ct) =>
        cache.GetOrCreateAsync(CacheKey, async token => await BuildAsync(token), Entry, [ResultCatalog.Tag], ct);

    /// <summary>NFKC, lower case (invariant), every white-space character removed; empty when it cannot be normalized.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        string normalized;
        try
        {
            normalized = text.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            return ""; // a lone surrogate
        }
        var sb = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (!char.IsWhiteSpace(c)) sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>"高级资格" → "高级": the level's word as it stands before a qualification's name.</summary>
    internal static string ShortLevel(string levelName) =>
        levelName.EndsWith("资格", StringComparison.Ordinal) ? levelName[..^2] : levelName;

    private async Task<ExamTypeIndex> BuildAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Qualifications.AsNoTracking()
            .Select(q => new { q.Id, q.Code, q.NameZh, q.NameEn, q.IsActive, LevelCode = q.Level.Code, LevelZh = q.Level.NameZh, LevelEn = q.Level.NameEn })
            .ToListAsync(ct);
        return Build(rows.Select(q => new CatalogEntry(q.Id, q.Code, q.NameZh, q.NameEn, q.IsActive, q.LevelCode, q.LevelZh, q.LevelEn)));
    }

    internal sealed record CatalogEntry(int Id, string Code, string NameZh, string NameEn, bool IsActive, string LevelCode, string LevelZh, string LevelEn);

    internal static ExamTypeIndex Build(IEnumerable<CatalogEntry> qualifications)
    {
        // Codes are unique and win over any name; names may collide (a retired qualification and its successor).
        var codes = new Dictionary<string, ExamType>(StringComparer.Ordinal);
        var names = new Dictionary<string, List<(ExamType Type, bool Active)>>(StringComparer.Ordinal);
        foreach (var q in qualifications)
        {
            var type = new ExamType(q.Id, q.Code, q.LevelCode);
            codes[Fold(q.Code)] = type;
            foreach (var name in new[] { q.NameZh, q.NameEn })
            {
                if (string.IsNullOrWhiteSpace(name)) continue;
                foreach (var level in new[] { "", ShortLevel(q.LevelZh), q.LevelZh, ShortLevel(q.LevelEn), q.LevelEn })
                {
                    var key = Fold(level + name);
                    if (key.Length == 0) continue;
                    if (!names.TryGetValue(key, out var list)) names[key] = list = [];
                    if (!list.Exists(e => e.Type.QualificationId == q.Id)) list.Add((type, q.IsActive));
                }
            }
        }
        var index = new Dictionary<string, ExamType>(StringComparer.Ordinal);
        foreach (var (key, list) in names)
        {
            var active = list.Where(e => e.Active).ToList();
            if (list.Count == 1) index[key] = list[0].Type;
            else if (active.Count == 1) index[key] = active[0].Type;
        }
        foreach (var (key, type) in codes) index[key] = type;
        return new ExamTypeIndex(index.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
