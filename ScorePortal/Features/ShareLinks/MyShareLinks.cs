using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Reports;

namespace ScorePortal.Features.ShareLinks;

public enum ShareLinkState
{
    Active,
    Expired,
    Revoked,
}

/// <summary>One of the holder's links as their list shows it.</summary>
public sealed record MyShareLinkLine(int Id, CertificateFigures? Figures, string Note, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, ShareLinkState State, int OpenCount, DateTimeOffset? LastOpenedAt);

public sealed record MyShareLinksPage(IReadOnlyList<MyShareLinkLine> Lines, int Page, int Pages, int Total);

/// <summary>
/// The signed-in holder's links, newest first, a page at a time; only their own (by account, never by an id from the
/// request). The token is opened only for the one link the holder asks to see again (<see cref="TokenAsync"/>).
/// </summary>
public sealed class MyShareLinks(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportVault vault, TimeProvider time)
{
    public const int PageSize = 20;

    public async Task<MyShareLinksPage> ListAsync(string userId, int page, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = db.ShareLinks.AsNoTracking().Where(l => l.UserId == userId);
        var total = await mine.CountAsync(ct);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);
        // Loaded as entities: the note opens only when its row is materialized.
        var links = await mine.OrderByDescending(l => l.Id).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var reportIds = links.Select(l => l.ReportIssueId).Distinct().ToList();
        var reports = await db.ReportIssues.AsNoTracking().Where(r => reportIds.Contains(r.Id))
            .Select(r => new { r.Id, r.VerificationCode, r.EncryptedSnapshot }).ToListAsync(ct);
        var figures = reports.ToDictionary(r => r.Id, r => CertificateFigures.Of(vault.OpenSnapshot(r.EncryptedSnapshot, r.VerificationCode)));
        var lines = links.Select(l => new MyShareLinkLine(l.Id, figures.GetValueOrDefault(l.ReportIssueId), l.Note, l.CreatedAt, l.ExpiresAt,
            l.RevokedAt, StateOf(l, now), l.OpenCount, l.LastOpenedAt)).ToList();
        return new MyShareLinksPage(lines, page, pages, total);
    }

    /// <summary>The token of one of the holder's unrevoked links, to copy again; null for anything else.</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)?> TokenAsync(string userId, int linkId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.ShareLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == linkId && l.UserId == userId && l.RevokedAt == null, ct);
        return link is null ? null : (link.Token, link.ExpiresAt);
    }

    public static ShareLinkState StateOf(ShareLink link, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.RevokedAt is not null ? ShareLinkState.Revoked : link.ExpiresAt <= now ? ShareLinkState.Expired : ShareLinkState.Active;
    }
}
