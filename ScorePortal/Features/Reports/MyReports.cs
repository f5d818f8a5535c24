using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Reports;

public sealed record MyReportLine(int Id, int RegistrationId, string VerificationCode, string Culture, ReportStatus Status,
    DateTimeOffset IssuedAt, DateTimeOffset? EndedAt, int DownloadCount);

/// <summary>The reports issued to the signed-in candidate, newest first; only their own (by account, never by an id from the request).</summary>
public sealed class MyReports(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportVault vault)
{
    public async Task<IReadOnlyList<MyReportLine>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReportIssues.AsNoTracking()
            .Where(r => r.Candidate.UserId == userId)
            .OrderByDescending(r => r.Id)
            .Select(r => new MyReportLine(r.Id, r.RegistrationId, r.VerificationCode, r.Culture, r.Status, r.IssuedAt, r.EndedAt, r.DownloadCount))
            .ToListAsync(ct);
    }

    /// <summary>The stored file of one of the candidate's own valid reports, or null (another's id, revoked, superseded, unknown).</summary>
    public async Task<(byte[] Pdf, string Code)?> FileAsync(string userId, int reportId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ReportIssues.AsNoTracking()
            .Where(r => r.Id == reportId && r.Candidate.UserId == userId && r.Status == ReportStatus.Valid)
            .Select(r => new { r.VerificationCode, r.EncryptedFile })
            .FirstOrDefaultAsync(ct);
        if (row is null) return null;
        await db.ReportIssues.Where(r => r.Id == reportId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.DownloadCount, r => r.DownloadCount + 1), ct);
        return (vault.OpenFile(row.EncryptedFile, row.VerificationCode), row.VerificationCode);
    }
}
