using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

public sealed record DeleteSubjectRequest(int Id, string? UserId);

/// <summary>Removes a subject entered by mistake; a subject any score refers to stays (results are judged by it).</summary>
public sealed class DeleteSubject(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = SaveSubject.NotFound;
    public const string HasScores = "Catalog.Error.SubjectHasScores";

    public async Task<EditResult> HandleAsync(DeleteSubjectRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subject = await db.Subjects.AsNoTracking().Where(s => s.Id == request.Id)
            .Select(s => new { s.Id, s.Code, s.QualificationId }).FirstOrDefaultAsync(ct);
        if (subject is null) return EditResult.Refused("", NotFound);
        if (await db.SubjectScores.AnyAsync(s => s.SubjectId == request.Id, ct)) return EditResult.Refused("", HasScores, subject.Code);

        try
        {
            if (await db.Subjects.Where(s => s.Id == request.Id).ExecuteDeleteAsync(ct) == 0) return EditResult.Refused("", NotFound);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            // A score arrived between the check and the delete: the foreign key refuses it.
            return EditResult.Refused("", HasScores, subject.Code);
        }

        await changes.RecordAsync(CatalogAudit.Change(AuditActions.CatalogChange, request.UserId, "subject", CatalogAudit.Id(subject.Id),
            "delete", extra: new Dictionary<string, string?> { ["qualificationId"] = CatalogAudit.Id(subject.QualificationId), ["code"] = subject.Code }));
        return new EditResult([], subject.Id);
    }
}
