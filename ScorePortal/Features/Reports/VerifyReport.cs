using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Reports;

/// <summary>What a verifier sees: the figures as issued (name masked) and the report's status, never today's figures.</summary>
public sealed record VerifiedReport(ScoreReportContent Content, string MaskedName, ReportStatus Status, DateTimeOffset? EndedAt);

public abstract record FileVerdict
{
    /// <summary>The signature check failed; <see cref="Check"/> says which part.</summary>
    public sealed record NotGenuine(ReportSignatureVerdict Check) : FileVerdict;

    /// <summary>Signed by the portal, unaltered, but not in the register (e.g. issued by another deployment).</summary>
    public sealed record NotRegistered : FileVerdict;

    public sealed record Registered(VerifiedReport Report) : FileVerdict;
}

/// <summary>
/// Public verification of a score report, by its code or by the file itself (no sign-in). A code that is unknown
/// costs the same work as a known one: the register is read by its unique index and one snapshot is opened either
/// way, so the answer's timing says nothing about which codes exist.
/// </summary>
public sealed class VerifyReport(IDbContextFactory<ScorePortalDbContext> dbFactory, ReportVault vault, ReportSignatureCheck signatures,
    AuditLog audit)
{
    public const long MaxUploadBytes = 5 * 1024 * 1024;

    private readonly Lazy<byte[]> _decoy = new(() => vault.SealSnapshot(new ScoreReportContent("zh-CN", "-", "-", "-", "-", "-", "-", "-",
        [], false, null, [], default, "00000000000000000000", "-")));

    public async Task<VerifiedReport?> ByCodeAsync(string? input, string? sourceIp, CancellationToken ct = default)
    {
        var code = VerificationCode.Normalize(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = code is null ? null : await db.ReportIssues.AsNoTracking()
            .Where(r => r.VerificationCode == code)
            .Select(r => new { r.Id, r.EncryptedSnapshot, r.Status, r.EndedAt })
            .FirstOrDefaultAsync(ct);
        VerifiedReport? found = null;
        if (row is null)
            vault.OpenSnapshot(_decoy.Value, "00000000000000000000");
        else
            found = View(vault.OpenSnapshot(row.EncryptedSnapshot, code!), row.Status, row.EndedAt);
        await AuditAsync("code", row?.Id, found?.Status.ToString() ?? "not-found", sourceIp);
        return found;
    }

    public async Task<FileVerdict> ByFileAsync(byte[] file, string? sourceIp, CancellationToken ct = default)
    {
        var check = signatures.Check(file);
        if (check != ReportSignatureVerdict.Valid)
        {
            await AuditAsync("file", null, "not-genuine:" + check, sourceIp);
            return new FileVerdict.NotGenuine(check);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(file));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.ReportIssues.AsNoTracking()
            .Where(r => r.FileSha256 == hash)
            .Select(r => new { r.Id, r.VerificationCode, r.EncryptedSnapshot, r.Status, r.EndedAt })
            .FirstOrDefaultAsync(ct);
        await AuditAsync("file", row?.Id, row?.Status.ToString() ?? "not-registered", sourceIp);
        return row is null
            ? new FileVerdict.NotRegistered()
            : new FileVerdict.Registered(View(vault.OpenSnapshot(row.EncryptedSnapshot, row.VerificationCode), row.Status, row.EndedAt));
    }

    private static VerifiedReport View(ScoreReportContent content, ReportStatus status, DateTimeOffset? endedAt) =>
        new(content with { VerificationCode = VerificationCode.Grouped(content.VerificationCode) },
            CandidateIdentity.MaskName(content.CandidateName), status, endedAt);

    private Task AuditAsync(string by, int? reportId, string result, string? sourceIp) =>
        audit.WriteAsync(new AuditRecord(AuditActions.ReportVerify, TargetType: reportId is null ? null : "report",
            TargetId: reportId?.ToString(System.Globalization.CultureInfo.InvariantCulture), SourceIp: sourceIp,
            Data: new Dictionary<string, string?> { ["by"] = by, ["result"] = result })).AsTask();
}
