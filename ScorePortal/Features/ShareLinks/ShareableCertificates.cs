using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Reports;

namespace ScorePortal.Features.ShareLinks;

/// <summary>A certificate as a share link shows it: the figures of the report's snapshot, nothing computed anew.</summary>
/// <param name="PassDate">The release date the certificate number carries (<c>RK</c> + yyyyMMdd + sequence), if it has one.</param>
public sealed record CertificateFigures(string QualificationName, string LevelName, string SessionName, string CertificateNumber, DateOnly? PassDate)
{
    /// <summary>The figures of a report's snapshot, or null when the report carries no certificate (qualification not passed).</summary>
    public static CertificateFigures? Of(ScoreReportContent content) =>
        content is { QualificationPassed: true, CertificateNumber: { Length: > 0 } number }
            ? new(content.QualificationName, content.LevelName, content.SessionName, number, PassDateOf(number))
            : null;

    private static DateOnly? PassDateOf(string number) =>
        number.Length >= 10 && number.StartsWith("RK", StringComparison.Ordinal)
        && DateOnly.TryParseExact(number.AsSpan(2, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
}

/// <summary>One of the holder's valid reports that carries a certificate: what a new link can be made for.</summary>
public sealed record ShareableCertificate(int ReportId, string Culture, CertificateFigures Figures);

/// <summary>
/// The signed-in candidate's certificates that a link can show: their own valid reports in the register (by account,
/// never by an id from the request) whose snapshot records a passed qualification with its certificate number.
/// </summary>
public sealed class ShareableCertificates(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportVault vault)
{
    public async Task<IReadOnlyList<ShareableCertificate>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.ReportIssues.AsNoTracking()
            .Where(r => r.Candidate.UserId == userId && r.Status == ReportStatus.Valid)
            .OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Culture, r.VerificationCode, r.EncryptedSnapshot })
            .ToListAsync(ct);
        var list = new List<ShareableCertificate>();
        foreach (var row in rows)
            if (CertificateFigures.Of(vault.OpenSnapshot(row.EncryptedSnapshot, row.VerificationCode)) is { } figures)
                list.Add(new ShareableCertificate(row.Id, row.Culture, figures));
        return list;
    }

    /// <summary>One of them, or null (another's report, not valid, no certificate, unknown).</summary>
    public async Task<ShareableCertificate?> FindAsync(string userId, int reportId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ReportIssues.AsNoTracking()
            .Where(r => r.Id == reportId && r.Candidate.UserId == userId && r.Status == ReportStatus.Valid)
            .Select(r => new { r.Id, r.Culture, r.VerificationCode, r.EncryptedSnapshot })
            .FirstOrDefaultAsync(ct);
        return row is not null && CertificateFigures.Of(vault.OpenSnapshot(row.EncryptedSnapshot, row.VerificationCode)) is { } figures
            ? new ShareableCertificate(row.Id, row.Culture, figures)
            : null;
    }
}
