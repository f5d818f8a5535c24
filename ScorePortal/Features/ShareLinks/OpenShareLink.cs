using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Reports;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.ShareLinks;

/// <summary>
/// What a verifier sees through a valid link: the masked name and the certificate as the report printed them, and the
/// report's status as <c>/verify</c> shows it (superseded, revoked) — never today's figures.
/// </summary>
public sealed record SharedCertificate(string MaskedName, CertificateFigures Figures, ReportStatus Status, DateTimeOffset ExpiresAt);

/// <summary>
/// Opens a share link anonymously (<c>/s/{token}</c>). A valid link counts the visit (count and time, nothing about
/// the visitor) and is audited with its id; an unknown, malformed, expired or revoked one is refused with one answer
/// for all, audited with the reason only (no token, no id, no name).
/// </summary>
public sealed class OpenShareLink(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportVault vault, AuditLog audit, TimeProvider time)
{
    public async Task<SharedCertificate?> HandleAsync(string? token, string? sourceIp, CancellationToken ct = default)
    {
        if (!ShareLinkToken.IsWellFormed(token))
        {
            await RefusedAsync("malformed", sourceIp);
            return null;
        }
        var hash = ShareLinkToken.Hash(token!);
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ShareLinks.AsNoTracking()
            .Where(l => l.TokenHash == hash)
            .Select(l => new
            {
                l.Id, l.ExpiresAt, l.RevokedAt,
                l.ReportIssue.VerificationCode, l.ReportIssue.EncryptedSnapshot, l.ReportIssue.Status,
            })
            .FirstOrDefaultAsync(ct);
        var refusal = row is null ? "unknown" : row.RevokedAt is not null ? "revoked" : row.ExpiresAt <= now ? "expired" : null;
        if (refusal is not null)
        {
            await RefusedAsync(refusal, sourceIp);
            return null;
        }
        var content = vault.OpenSnapshot(row!.EncryptedSnapshot, row.VerificationCode);
        if (CertificateFigures.Of(content) is not { } figures)
        {
            await RefusedAsync("no-certificate", sourceIp);
            return null;
        }
        await db.ShareLinks.Where(l => l.Id == row.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.OpenCount, l => l.OpenCount + 1).SetProperty(l => l.LastOpenedAt, now), ct);
        await audit.WriteAsync(new AuditRecord(AuditActions.ShareLinkOpen, TargetType: "share-link",
            TargetId: row.Id.ToString(CultureInfo.InvariantCulture), SourceIp: sourceIp,
            Data: new Dictionary<string, string?> { ["result"] = row.Status.ToString() }), ct);
        return new SharedCertificate(CandidateIdentity.MaskName(content.CandidateName), figures, row.Status, row.ExpiresAt);
    }

    private ValueTask RefusedAsync(string reason, string? sourceIp) =>
        audit.WriteAsync(new AuditRecord(AuditActions.ShareLinkRefused, SourceIp: sourceIp,
            Data: new Dictionary<string, string?> { ["result"] = reason }));
}
