using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public sealed record RecordExpertMarkRequest(string ExpertUserId, int AssignmentId, decimal? Score, string? Comment);

/// <summary>
/// An expert records their re-mark of one assignment: once (a conditional update on the unmarked row), only while the
/// request is in re-marking, never for a candidate of their own province, and within 0..full marks.
/// </summary>
public sealed class RecordExpertMark(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time, FieldProtector protector)
{
    public const int CommentMaxLength = 500;

    public async Task<ReviewActionResult> HandleAsync(RecordExpertMarkRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await RecordAsync(request, ct);
        // The score itself stays out of the audit log: marks are not to be seen before the decision.
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewMark, request.ExpertUserId, Roles.Expert,
            "assignment", request.AssignmentId.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["outcome"] = result.Error ?? "done" }), CancellationToken.None);
        return result;
    }

    private async Task<ReviewActionResult> RecordAsync(RecordExpertMarkRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, request.ExpertUserId, ct);
        var assignment = await db.ExpertMarks.AsNoTracking()
            .Where(m => m.Id == request.AssignmentId && m.ExpertUserId == request.ExpertUserId)
            .Select(m => new
            {
                m.RowKey, m.MarkedAt, m.ReviewRequest.Status, m.ReviewRequest.ProvinceCode,
                FullMarks = db.Subjects.Where(s => s.Id == m.ReviewRequest.SubjectId).Select(s => s.FullMarks).First(),
            })
            .FirstOrDefaultAsync(ct);
        // Someone else's assignment, or a candidate of the expert's own province: as if it did not exist.
        if (assignment is null || province is null || assignment.ProvinceCode == province) return new ReviewActionResult(ReviewErrors.NotFound);
        if (assignment.Status != ReviewStatus.Remarking) return new ReviewActionResult(ReviewErrors.Closed);
        if (assignment.MarkedAt is not null) return new ReviewActionResult(ReviewErrors.AlreadyMarked);
        if (request.Score is not { } score || score < 0 || score > assignment.FullMarks || decimal.Round(score * 2) != score * 2)
            return new ReviewActionResult(ReviewErrors.ScoreOutOfRange);
        var comment = request.Comment?.Trim();
        if (comment?.Length > CommentMaxLength) return new ReviewActionResult(ReviewErrors.ReasonTooLong);

        var now = time.GetUtcNow();
        // Sealed here, bound to the mark's row, as FieldEncryptionInterceptor would seal it on a tracked save.
        var sealedScore = protector.Protect(FieldEncryption.Text(score), FieldEncryption.Binding(typeof(ExpertMark), nameof(ExpertMark.Score)), assignment.RowKey);
        var marked = await db.ExpertMarks
            .Where(m => m.Id == request.AssignmentId && m.ExpertUserId == request.ExpertUserId && m.MarkedAt == null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => EF.Property<string?>(m, nameof(ExpertMark.Score) + FieldEncryption.StoredSuffix), sealedScore)
                .SetProperty(m => m.Comment, string.IsNullOrEmpty(comment) ? null : comment)
                .SetProperty(m => m.MarkedAt, now), ct);
        return marked == 1 ? ReviewActionResult.Done : new ReviewActionResult(ReviewErrors.AlreadyMarked);
    }
}
