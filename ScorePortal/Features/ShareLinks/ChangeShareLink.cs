using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.ShareLinks;

/// <param name="Validity">As in <see cref="CreateShareLinkRequest"/>: the new expiry, counted from now.</param>
public sealed record ExtendShareLinkRequest(string UserId, int LinkId, string? Validity, DateOnly? LastDay, string? SourceIp);

public sealed record RevokeShareLinkRequest(string UserId, int LinkId, string? SourceIp);

/// <summary>
/// The holder extends or revokes one of their own links. Another account's link, a revoked one, or an unknown id
/// is "not found": the same answer, so an id says nothing about someone else's links.
/// </summary>
public sealed class ChangeShareLink(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>Null when extended; else a resource key (not found, validity out of range, not later than now).</summary>
    public async Task<string?> ExtendAsync(ExtendShareLinkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (ShareLinkValidity.ExpiryOf(request.Validity, request.LastDay, now) is not { } expiresAt) return "ShareLinks.Error.Validity";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var current = await db.ShareLinks.AsNoTracking()
            .Where(l => l.Id == request.LinkId && l.UserId == request.UserId && l.RevokedAt == null)
            .Select(l => (DateTimeOffset?)l.ExpiresAt).FirstOrDefaultAsync(ct);
        if (current is null) return "ShareLinks.Error.NotFound";
        if (expiresAt <= current) return "ShareLinks.Error.NotLater";
        var changed = await db.ShareLinks
            .Where(l => l.Id == request.LinkId && l.UserId == request.UserId && l.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiresAt, expiresAt), ct);
        if (changed != 1) return "ShareLinks.Error.NotFound";
        await AuditAsync(AuditActions.ShareLinkExtend, request.UserId, request.LinkId, request.SourceIp,
            new Dictionary<string, string?> { ["days"] = Math.Round((expiresAt - now).TotalDays).ToString(CultureInfo.InvariantCulture) });
        return null;
    }

    /// <summary>True when revoked now; false when there is no such unrevoked link of this account.</summary>
    public async Task<bool> RevokeAsync(RevokeShareLinkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var revoked = await db.ShareLinks
            .Where(l => l.Id == request.LinkId && l.UserId == request.UserId && l.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.RevokedAt, now), ct);
        if (revoked == 1) await AuditAsync(AuditActions.ShareLinkRevoke, request.UserId, request.LinkId, request.SourceIp, null);
        return revoked == 1;
    }

    private Task AuditAsync(string action, string userId, int linkId, string? sourceIp, Dictionary<string, string?>? data) =>
        audit.WriteDurableAsync(new AuditRecord(action, ActorUserId: userId, ActorRole: Roles.Candidate, TargetType: "share-link",
            TargetId: linkId.ToString(CultureInfo.InvariantCulture), SourceIp: sourceIp, Data: data), CancellationToken.None);
}
