using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Privacy;

/// <param name="Version">The version the page showed: accepting is of that text, so a version published meanwhile is refused.</param>
public sealed record AcceptPrivacyNoticeRequest(string UserId, int Version, string? SourceIp);

/// <summary>
/// A signed-in account accepts the current privacy notice (asked at sign-in when it accepted an older one): the version
/// and the time go on the account, and the acceptance is audited (ids and the version only). The caller renews the
/// sign-in, which drops the gate's claim.
/// </summary>
public sealed class AcceptPrivacyNotice(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time)
{
    /// <summary>True when recorded; false when the version is not the current one or the account is gone or closed.</summary>
    public async Task<bool> HandleAsync(AcceptPrivacyNoticeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Version != PrivacyNotice.Current.Version) return false;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Users
            .Where(u => u.Id == request.UserId && u.ClosedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.PrivacyNoticeVersion, request.Version)
                .SetProperty(u => u.PrivacyNoticeAcceptedAt, now), ct);
        if (updated == 0) return false;
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.PrivacyNoticeAccept, ActorUserId: request.UserId,
            TargetType: "user", TargetId: request.UserId, SourceIp: request.SourceIp,
            Data: new Dictionary<string, string?> { ["version"] = request.Version.ToString(CultureInfo.InvariantCulture) }), CancellationToken.None);
        return true;
    }
}
