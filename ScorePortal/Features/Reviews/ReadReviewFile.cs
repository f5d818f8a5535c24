using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public sealed record ReviewFileContent(byte[] Bytes, string ContentType);

/// <summary>
/// Serves a stored review file to whoever may see it, and to nobody else (null, answered with 404 like an id that
/// does not exist): the candidate their own materials, staff of the request's province every file of it, an
/// expert only the answer script of a request assigned to them while it is being re-marked. Every view is audited.
/// </summary>
public sealed class ReadReviewFile(IDbContextFactory<ScorePortalDbContext> dbFactory, ReviewFileStore store, AuditLog audit)
{
    public async Task<ReviewFileContent?> ForCandidateAsync(string userId, Guid fileId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var file = await db.ReviewFiles.AsNoTracking()
            .Where(f => f.Id == fileId && f.Kind != ReviewFileKind.AnswerScript && f.ReviewRequest.Candidate.UserId == userId)
            .Select(f => new { f.Id, f.ContentType }).FirstOrDefaultAsync(ct);
        return await ReadAsync(file?.Id, file?.ContentType, userId, Roles.Candidate, fileId, ct);
    }

    public async Task<ReviewFileContent?> ForStaffAsync(string userId, Guid fileId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        var file = await db.ReviewFiles.AsNoTracking()
            .Where(f => f.Id == fileId && province != null && f.ReviewRequest.ProvinceCode == province)
            .Select(f => new { f.Id, f.ContentType }).FirstOrDefaultAsync(ct);
        return await ReadAsync(file?.Id, file?.ContentType, userId, Roles.Staff, fileId, ct);
    }

    /// <summary>The anonymized answer script of an assignment: nothing else of the request reaches an expert.</summary>
    public async Task<ReviewFileContent?> ScriptForExpertAsync(string userId, int assignmentId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, userId, ct);
        var file = await db.ExpertMarks.AsNoTracking()
            .Where(m => m.Id == assignmentId && m.ExpertUserId == userId && m.ReviewRequest.Status == ReviewStatus.Remarking
                        && province != null && m.ReviewRequest.ProvinceCode != province)
            .SelectMany(m => m.ReviewRequest.Files.Where(f => f.Kind == ReviewFileKind.AnswerScript))
            .OrderByDescending(f => f.UploadedAt)
            .Select(f => new { f.Id, f.ContentType }).FirstOrDefaultAsync(ct);
        return await ReadAsync(file?.Id, file?.ContentType, userId, Roles.Expert, Guid.Empty, ct);
    }

    private async Task<ReviewFileContent?> ReadAsync(Guid? id, string? contentType, string userId, string role, Guid asked, CancellationToken ct)
    {
        var bytes = id is { } found ? await store.ReadAsync(found, ct) : null;
        await audit.WriteAsync(new AuditRecord(AuditActions.ReviewFileView, userId, role, "reviewFile",
            (id ?? asked).ToString("N"), Data: new Dictionary<string, string?> { ["outcome"] = bytes is null ? "notFound" : "served" }), ct);
        return bytes is null ? null : new ReviewFileContent(bytes, contentType!);
    }
}
