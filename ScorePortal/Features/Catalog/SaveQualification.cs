using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// Creates (<see cref="Id"/> null) or edits a qualification. Changing the score validity of a qualification with
/// scores changes who passed, so it needs <see cref="ConfirmScoredChange"/> and recomputes the certificates.
/// <see cref="LoadedVersion"/> is <see cref="SaveQualification.VersionOf"/> of the row the form loaded.
/// </summary>
public sealed record SaveQualificationRequest(int? Id, string? Code, int LevelId, string? NameZh, string? NameEn,
    int ScoreValidityYears, bool IsActive, string? UserId, bool ConfirmScoredChange = false, string? LoadedVersion = null);

public sealed class SaveQualification(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = "Catalog.Error.QualificationNotFound";
    public const string DuplicateCode = "Catalog.Error.DuplicateQualificationCode";
    public const string LevelMissing = "Catalog.Error.LevelMissing";
    public const string ValidityInvalid = "Catalog.Error.ValidityInvalid";
    public const string ValidityChangeNeedsConfirmation = "Catalog.Error.ValidityChangeNeedsConfirmation";

    public static string VersionOf(Qualification q) =>
        EditVersion.Of(q.Code, q.LevelId, q.NameZh, q.NameEn, q.ScoreValidityYears, q.IsActive);

    public async Task<EditResult> HandleAsync(SaveQualificationRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        var code = check.Code<Qualification>(nameof(Qualification.Code), request.Code);
        var nameZh = check.Text<Qualification>(nameof(Qualification.NameZh), request.NameZh);
        var nameEn = check.Text<Qualification>(nameof(Qualification.NameEn), request.NameEn);
        if (request.ScoreValidityYears is not (1 or 2)) check.Add(nameof(request.ScoreValidityYears), ValidityInvalid);
        if (!await db.QualificationLevels.AnyAsync(l => l.Id == request.LevelId, ct)) check.Add(nameof(request.LevelId), LevelMissing);

        Qualification? qualification = null;
        if (request.Id is { } id && (qualification = await db.Qualifications.FirstOrDefaultAsync(q => q.Id == id, ct)) is null)
            return EditResult.Refused("", NotFound);
        if (qualification is not null && EditVersion.IsStale(request.LoadedVersion, VersionOf(qualification)))
            return EditResult.Refused("", EditVersion.Stale);
        if (code is not null && await db.Qualifications.AnyAsync(q => q.Code == code && q.Id != (request.Id ?? 0), ct))
            check.Add(nameof(request.Code), DuplicateCode, code);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        var validityChanged = qualification is not null && qualification.ScoreValidityYears != request.ScoreValidityYears;
        var scored = validityChanged && await db.SubjectScores.AnyAsync(s => s.Subject.QualificationId == qualification!.Id, ct);
        if (scored && !request.ConfirmScoredChange)
            return new EditResult([new EditError(nameof(request.ScoreValidityYears), ValidityChangeNeedsConfirmation)], request.Id, NeedsConfirmation: true);

        var created = qualification is null;
        qualification ??= db.Qualifications.Add(new Qualification()).Entity;
        qualification.Code = code!;
        qualification.LevelId = request.LevelId;
        qualification.NameZh = nameZh!;
        qualification.NameEn = nameEn!;
        qualification.ScoreValidityYears = request.ScoreValidityYears;
        qualification.IsActive = request.IsActive;
        var changed = created ? null : db.Entry(qualification).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed is { Count: 0 }) return EditResult.Saved(qualification.Id);

        var saved = await changes.SaveAsync(db,
            scored ? () => db.SubjectScores.Where(s => s.Subject.QualificationId == qualification.Id) : null,
            outcome => CatalogAudit.Change(AuditActions.CatalogChange, request.UserId, "qualification", CatalogAudit.Id(qualification.Id),
                created ? "create" : "update", changed, outcome is { } o ? CatalogChanges.OutcomeData(o) : null), ct);
        return saved ? EditResult.Saved(qualification.Id) : EditResult.Refused(nameof(request.Code), DuplicateCode, code!);
    }
}
