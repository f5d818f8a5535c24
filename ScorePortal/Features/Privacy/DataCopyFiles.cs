using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Privacy;

/// <summary>A copy as a list shows it.</summary>
public sealed record DataCopyLine(int Id, DataCopyState State, DateTimeOffset RequestedAt, DateTimeOffset? ReadyAt, DateTimeOffset? ExpiresAt,
    bool ForRequest, string? SubjectUserId, int? SubjectCandidateId);

/// <summary>One file of a copy, opened for its requester.</summary>
public sealed record DataCopyDownload(byte[] Content, string ContentType, string FileName);

/// <summary>
/// The copies someone asked for, and their files. Every read is keyed by the signed-in requester's id: a copy is
/// opened only for the account that asked for it (the owner, or the admin who answered a paper request), only while
/// its link is valid, and every download is audited (ids and the format only).
/// </summary>
public sealed class DataCopyFiles(IDbContextFactory<ScorePortalDbContext> dbFactory, DataCopyVault vault, AuditLog audit, TimeProvider time)
{
    /// <summary>The copies <paramref name="requesterId"/> asked for, newest first (those deleted after their retention are gone).</summary>
    public async Task<IReadOnlyList<DataCopyLine>> ListAsync(string requesterId, bool forRequest, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.DataCopies.AsNoTracking()
            .Where(c => c.RequestedByUserId == requesterId && c.ForRequest == forRequest)
            .OrderByDescending(c => c.RequestedAt).Take(20)
            .Select(c => new { c.Id, c.Status, c.RequestedAt, c.ReadyAt, c.ExpiresAt, c.ForRequest, c.SubjectUserId, c.SubjectCandidateId })
            .ToListAsync(ct);
        return [.. rows.Select(c => new DataCopyLine(c.Id,
            new DataCopy { Status = c.Status, ExpiresAt = c.ExpiresAt }.StateAt(now), c.RequestedAt, c.ReadyAt, c.ExpiresAt,
            c.ForRequest, c.SubjectUserId, c.SubjectCandidateId))];
    }

    /// <summary>The file, or null when the copy is not this requester's, not ready, or its link has expired.</summary>
    public async Task<DataCopyDownload?> OpenAsync(string requesterId, string requesterRole, int copyId, DataCopyFormat format, string? sourceIp,
        CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var copy = await db.DataCopies.AsNoTracking().FirstOrDefaultAsync(c => c.Id == copyId, ct);
        var id = copyId.ToString(CultureInfo.InvariantCulture);
        string result;
        DataCopyDownload? download = null;
        if (copy is null || copy.RequestedByUserId != requesterId) result = "not-found";
        else if (copy.StateAt(now) != DataCopyState.Ready) result = "expired";
        else
        {
            var sealedFile = format == DataCopyFormat.Json ? copy.SealedJson : copy.SealedPdf;
            if (sealedFile is null) result = "expired";
            else
            {
                var content = vault.Open(sealedFile, copy.Id, format);
                var stamp = copy.ReadyAt!.Value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                download = format == DataCopyFormat.Json
                    ? new DataCopyDownload(content, "application/json", $"my-data-{stamp}-{id}.json")
                    : new DataCopyDownload(content, "application/pdf", $"my-data-{stamp}-{id}.pdf");
                result = "ok";
            }
        }
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.PrivacyExportDownload, requesterId, requesterRole, "data-copy", id, sourceIp,
            new Dictionary<string, string?> { ["format"] = format.ToString().ToLowerInvariant(), ["result"] = result }), ct);
        return download;
    }
}
