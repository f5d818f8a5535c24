using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Results;

/// <summary>What the public pages need of an exam session; immutable, so the cache hands out one shared instance.</summary>
[ImmutableObject(true)]
public sealed record SessionInfo(int Id, string Code, int Year, ExamHalf Half, string NameZh, string NameEn,
    DateOnly ExamStartDate, DateOnly ExamEndDate, DateTimeOffset ReleaseAt, DateTimeOffset? PublishedAt)
{
    /// <summary>The score review window (China time on every page); set with the catalog read.</summary>
    public DateTimeOffset ReviewOpensAt { get; init; }

    public DateTimeOffset ReviewClosesAt { get; init; }

    public bool IsReviewOpen(DateTimeOffset now) => IsReleased(now) && now >= ReviewOpensAt && now < ReviewClosesAt;

    public bool IsReleased(DateTimeOffset now) => PublishedAt is not null && now >= ReleaseAt;
}

[ImmutableObject(true)]
public sealed record SessionList(IReadOnlyList<SessionInfo> Items);

/// <summary>
/// Exam sessions for the release-day pages, from HybridCache: a lookup costs no session query. Entries live a minute;
/// publishing or editing a session calls <see cref="InvalidateAsync"/> so the change shows at once, on every instance when
/// several share one Redis (<c>Platform/Caching/SharedHybridCache</c>).
/// </summary>
public sealed class SessionCatalog(HybridCache cache, IDbContextFactory<ScorePortalDbContext> dbFactory)
{
    public const string Tag = "sessions";
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    /// <summary>Newest first.</summary>
    public async ValueTask<IReadOnlyList<SessionInfo>> AllAsync(CancellationToken ct = default) =>
        (await cache.GetOrCreateAsync("sessions:all", async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            var rows = await db.ExamSessions.AsNoTracking().NewestFirst()
                .Select(s => new SessionInfo(s.Id, s.Code, s.Year, s.Half, s.NameZh, s.NameEn, s.ExamStartDate, s.ExamEndDate, s.ReleaseAt, s.PublishedAt)
                {
                    ReviewOpensAt = s.ReviewOpensAt,
                    ReviewClosesAt = s.ReviewClosesAt,
                })
                .ToListAsync(token);
            return new SessionList(rows);
        }, Entry, [Tag], ct)).Items;

    public async ValueTask<SessionInfo?> ByCodeAsync(string? code, CancellationToken ct = default) =>
        code is null ? null : (await AllAsync(ct)).FirstOrDefault(s => string.Equals(s.Code, code, StringComparison.OrdinalIgnoreCase));

    public ValueTask InvalidateAsync(CancellationToken ct = default) => cache.RemoveByTagAsync(Tag, ct);
}
