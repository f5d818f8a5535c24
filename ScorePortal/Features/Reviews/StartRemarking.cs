using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices;
using ScorePortal.Security;

namespace ScorePortal.Features.Reviews;

public sealed record StartRemarkingRequest(string StaffUserId, int RequestId, Stream Script, long Length);

/// <summary>
/// Staff upload the scanned answer script of an accepted request (PDF only) and the request goes to re-marking:
/// three different experts, none bound to the candidate's province (an expert without a province is never chosen,
/// since nobody could tell), the least busy first. Script, assignments and the timeline step commit together.
/// </summary>
public sealed class StartRemarking(IDbContextFactory<ScorePortalDbContext> dbFactory, ReviewFileStore store, Notices notices,
    IOptions<ReviewOptions> options, AuditLog audit, TimeProvider time)
{
    public const int ExpertsPerRequest = 3;

    /// <summary>The largest script accepted (the page streams at most one byte more).</summary>
    public long MaxScriptBytes => options.Value.MaxFileBytes;

    public async Task<ReviewActionResult> HandleAsync(StartRemarkingRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await StartAsync(request, ct);
        await audit.WriteDurableAsync(new AuditRecord(AuditActions.ReviewStartRemarking, request.StaffUserId, Roles.Staff,
            "review", request.RequestId.ToString(CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?> { ["outcome"] = result.Error ?? "done" }), CancellationToken.None);
        return result;
    }

    private async Task<ReviewActionResult> StartAsync(StartRemarkingRequest request, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var province = await ReviewAccess.ProvinceOfAsync(db, request.StaffUserId, ct);
        var review = await ReviewAccess.ForStaff(db, province).FirstOrDefaultAsync(r => r.Id == request.RequestId, ct);
        if (review is null) return new ReviewActionResult(ReviewErrors.NotFound);
        if (ReviewStep.Check(review.Status, ReviewStatus.Remarking) is { } refused) return new ReviewActionResult(refused);

        var (script, error) = await ReviewFileCheck.CheckAsync(request.Script, request.Length, options.Value, pdfOnly: true, ct);
        if (error is not null) return new ReviewActionResult(error);

        var experts = await ExpertsForAsync(db, review.ProvinceCode, ct);
        if (experts.Count < ExpertsPerRequest) return new ReviewActionResult(ReviewErrors.NotEnoughExperts);

        var now = time.GetUtcNow();
        var id = Guid.NewGuid();
        var committed = false;
        try
        {
            await store.SaveAsync(id, script!.Bytes, ct);
            db.ReviewFiles.Add(new ReviewFile
            {
                Id = id, ReviewRequestId = review.Id, Kind = ReviewFileKind.AnswerScript, ContentType = script.ContentType,
                Length = script.Bytes.Length, Pages = script.Pages, UploadedByUserId = request.StaffUserId, UploadedAt = now,
            });
            foreach (var expert in experts.Take(ExpertsPerRequest))
                db.ExpertMarks.Add(new ExpertMark { ReviewRequestId = review.Id, ExpertUserId = expert, AssignedAt = now });
            review.AssignedStaffUserId ??= request.StaffUserId;
            await ReviewStep.MoveAsync(db, review, ReviewStatus.Remarking, request.StaffUserId, null, now, notices, ct);
            var result = await ScreenReview.SaveAsync(db, ct);
            committed = result.Succeeded;
            return result;
        }
        finally
        {
            if (!committed) store.Delete(id);
        }
    }

    /// <summary>Experts bound to a province other than <paramref name="province"/>, least open assignments first.</summary>
    internal static async Task<List<string>> ExpertsForAsync(ScorePortalDbContext db, string province, CancellationToken ct)
    {
        var expertRole = await db.Roles.Where(r => r.Name == Roles.Expert).Select(r => r.Id).FirstOrDefaultAsync(ct);
        return await db.Users
            .Where(u => u.ProvinceCode != null && u.ProvinceCode != province
                        && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == expertRole))
            .OrderBy(u => db.ExpertMarks.Count(m => m.ExpertUserId == u.Id && m.MarkedAt == null))
            .ThenBy(u => u.Id)
            .Select(u => u.Id)
            .ToListAsync(ct);
    }
}
