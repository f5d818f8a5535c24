using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Credentials;

/// <summary>One live certificate of the signed-in candidate and its current credential, if one was downloaded and is valid.</summary>
public sealed record MyCertificateLine(int CertificateId, string CertificateNumber, string QualificationZh, string QualificationEn,
    string LevelZh, string LevelEn, string SessionZh, string SessionEn, int? CredentialRowId, DateTimeOffset? CredentialIssuedAt);

/// <summary>The candidate's certificates for /me/credentials: only their own (by account, never by an id from the request).</summary>
public sealed class MyCredentials(IDbContextFactory<ScorePortalDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<MyCertificateLine>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = await db.QualificationOutcomes.AsNoTracking()
            .Where(o => o.Candidate.UserId == userId && o.RevokedAt == null && o.PassedInSession.PublishedAt != null)
            .Select(o => new
            {
                o.Id, o.PassedInSession.ReleaseAt, o.CertificateNumber, o.Qualification.NameZh, o.Qualification.NameEn, LevelZh = o.Qualification.Level.NameZh,
                LevelEn = o.Qualification.Level.NameEn, SessionZh = o.PassedInSession.NameZh, SessionEn = o.PassedInSession.NameEn,
                Credential = db.IssuedCredentials.Where(c => c.QualificationOutcomeId == o.Id && c.Status == CredentialStatus.Valid)
                    .OrderByDescending(c => c.Id).Select(c => new { c.Id, c.IssuedAt }).FirstOrDefault(),
            })
            .ToListAsync(ct);
        // Released ones, newest first: ordered here, SQLite cannot compare DateTimeOffset values in a query.
        return [.. rows.Where(r => r.ReleaseAt <= now).OrderByDescending(r => r.ReleaseAt).ThenBy(r => r.Id).Select(r => new MyCertificateLine(r.Id, r.CertificateNumber, r.NameZh, r.NameEn, r.LevelZh, r.LevelEn, r.SessionZh, r.SessionEn,
            r.Credential?.Id, r.Credential?.IssuedAt))];
    }
}
