using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// Creates (<see cref="Id"/> null) or edits a qualification level. <see cref="LoadedVersion"/> is
/// <see cref="SaveLevel.VersionOf"/> of the level as the form loaded it; a save over someone else's edit is refused.
/// </summary>
public sealed record SaveLevelRequest(int? Id, string? Code, string? NameZh, string? NameEn, int SortOrder, string? UserId,
    string? LoadedVersion = null);

public sealed class SaveLevel(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = "Catalog.Error.LevelNotFound";
    public const string DuplicateCode = "Catalog.Error.DuplicateLevelCode";
    public const string SortOrderRange = "Catalog.Error.SortOrderRange";

    public static string VersionOf(QualificationLevel l) => EditVersion.Of(l.Code, l.NameZh, l.NameEn, l.SortOrder);

    public async Task<EditResult> HandleAsync(SaveLevelRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        var code = check.Code<QualificationLevel>(nameof(QualificationLevel.Code), request.Code);
        var nameZh = check.Text<QualificationLevel>(nameof(QualificationLevel.NameZh), request.NameZh);
        var nameEn = check.Text<QualificationLevel>(nameof(QualificationLevel.NameEn), request.NameEn);
        if (request.SortOrder is < 0 or > 999) check.Add(nameof(request.SortOrder), SortOrderRange, 0, 999);

        QualificationLevel? level = null;
        if (request.Id is { } id && (level = await db.QualificationLevels.FirstOrDefaultAsync(l => l.Id == id, ct)) is null)
            return EditResult.Refused("", NotFound);
        if (level is not null && EditVersion.IsStale(request.LoadedVersion, VersionOf(level)))
            return EditResult.Refused("", EditVersion.Stale);
        if (code is not null && await db.QualificationLevels.AnyAsync(l => l.Code == code && l.Id != (request.Id ?? 0), ct))
            check.Add(nameof(request.Code), DuplicateCode, code);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        var created = level is null;
        level ??= db.QualificationLevels.Add(new QualificationLevel()).Entity;
        level.Code = code!;
        level.NameZh = nameZh!;
        level.NameEn = nameEn!;
        level.SortOrder = request.SortOrder;
        var changed = created ? null : db.Entry(level).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed is { Count: 0 }) return EditResult.Saved(level.Id);
        var saved = await changes.SaveAsync(db, rescored: null,
            _ => CatalogAudit.Change(AuditActions.CatalogChange, request.UserId, "level", CatalogAudit.Id(level.Id),
                created ? "create" : "update", changed), ct);
        return saved ? EditResult.Saved(level.Id) : EditResult.Refused(nameof(request.Code), DuplicateCode, code!);
    }
}
