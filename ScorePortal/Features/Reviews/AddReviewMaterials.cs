using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public sealed record AddReviewMaterialsRequest(string UserId, int RequestId, IReadOnlyList<UploadedFile> Files);

/// <summary>
/// The candidate answers "more materials needed": one or more of the three materials again, checked like the first
/// ones; the request goes back to "submitted" for staff. Only the candidate's own request, only in that status.
/// </summary>
public sealed class AddReviewMaterials(IDbContextFactory<ScorePortalDbContext> dbFactory, ReviewFileStore store, Notices notices,
    IOptions<ReviewOptions> options, AuditLog audit, TimeProvider time)
{
    public async Task<ReviewActionResult> HandleAsync(AddReviewMaterialsRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await AddAsync(request, ct);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewApply, request.UserId, Roles.Candidate, "review",
            request.RequestId.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["step"] = "moreMaterials", ["outcome"] = result.Error ?? "done" }), CancellationToken.None);
        return result;
    }

    private async Task<ReviewActionResult> AddAsync(AddReviewMaterialsRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var review = await db.ReviewRequests.FirstOrDefaultAsync(r => r.Id == request.RequestId && r.Candidate.UserId == request.UserId, ct);
        if (review is null) return new ReviewActionResult(ReviewErrors.NotFound);
        if (review.Status != ReviewStatus.MoreNeeded) return new ReviewActionResult(review.IsOpen ? ReviewErrors.WrongStatus : ReviewErrors.Closed);
        if (request.Files.Count == 0) return new ReviewActionResult(ReviewErrors.FileMissing);

        var files = new List<(ReviewFileKind Kind, CheckedFile File)>();
        foreach (var upload in request.Files.Where(f => f.Length > 0 && ApplyForReview.CandidateKinds.Contains(f.Kind)))
        {
            var (checkedFile, error) = await ReviewFileCheck.CheckAsync(upload.Content, upload.Length, options.Value, pdfOnly: false, ct);
            if (error is not null) return new ReviewActionResult(error);
            files.Add((upload.Kind, checkedFile!));
        }
        if (files.Count == 0) return new ReviewActionResult(ReviewErrors.FileMissing);

        var now = time.GetUtcNow();
        var stored = new List<Guid>();
        try
        {
            foreach (var (kind, file) in files)
            {
                var id = Guid.NewGuid();
                stored.Add(id);
                await store.SaveAsync(id, file.Bytes, ct);
                db.ReviewFiles.Add(new ReviewFile
                {
                    Id = id, ReviewRequestId = review.Id, Kind = kind, ContentType = file.ContentType, Length = file.Bytes.Length,
                    Pages = file.Pages, UploadedByUserId = request.UserId, UploadedAt = now,
                });
            }
            await ReviewStep.MoveAsync(db, review, ReviewStatus.Submitted, request.UserId, null, now, notices, ct);
            var result = await ScreenReview.SaveAsync(db, ct);
            if (result.Succeeded) stored.Clear();
            return result;
        }
        finally
        {
            foreach (var id in stored) store.Delete(id);
        }
    }
}
