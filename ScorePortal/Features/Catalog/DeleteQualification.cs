using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

public sealed record DeleteQualificationRequest(int Id, string? UserId);

/// <summary>
/// Removes a qualification entered by mistake, with its subjects. One that any registration, score or certificate
/// refers to stays: results are judged by it, so it is retired (not active) instead.
/// </summary>
public sealed class DeleteQualification(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = SaveQualification.NotFound;
    public const string InUse = "Catalog.Error.QualificationInUse";

    public async Task<EditResult> HandleAsync(DeleteQualificationRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var qualification = await db.Qualifications.AsNoTracking().Where(q => q.Id == request.Id)
            .Select(q => new { q.Id, q.Code, Subjects = q.Subjects.Count }).FirstOrDefaultAsync(ct);
        if (qualification is null) return EditResult.Refused("", NotFound);
        if (await IsReferencedAsync(db, request.Id, ct)) return EditResult.Refused("", InUse, qualification.Code);

        try
        {
            var deleted = await db.InTransactionAsync(async (tx, ct) =>
            {
                await db.Subjects.Where(s => s.QualificationId == request.Id).ExecuteDeleteAsync(ct);
                if (await db.Qualifications.Where(q => q.Id == request.Id).ExecuteDeleteAsync(ct) == 0) return false;
                await tx.CommitAsync(ct);
                return true;
            }, ct);
            if (!deleted) return EditResult.Refused("", NotFound);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException && !SqliteRetryingExecutionStrategy.IsTransient(e))
        {
            // A registration or score arrived between the check and the delete: the foreign keys refuse it.
            return EditResult.Refused("", InUse, qualification.Code);
        }

        await changes.RecordAsync(CatalogAudit.Change(AuditActions.CatalogChange, request.UserId, "qualification", CatalogAudit.Id(qualification.Id),
            "delete", extra: new Dictionary<string, string?>
            {
                ["code"] = qualification.Code,
                ["subjectsDeleted"] = EditValidator.Invariant(qualification.Subjects),
            }));
        return new EditResult([], qualification.Id);
    }

    /// <summary>Registrations, certificates or scores (of any version) point at it or at one of its subjects.</summary>
    internal static async Task<bool> IsReferencedAsync(ScorePortalDbContext db, int qualificationId, CancellationToken ct) =>
        await db.Registrations.AnyAsync(r => r.QualificationId == qualificationId, ct)
        || await db.QualificationOutcomes.AnyAsync(o => o.QualificationId == qualificationId, ct)
        || await db.SubjectScores.AnyAsync(s => s.Subject.QualificationId == qualificationId, ct);
}
