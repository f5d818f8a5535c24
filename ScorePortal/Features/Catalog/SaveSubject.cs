using Microsoft.EntityFrameworkCore;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Features.Catalog;

/// <summary>
/// Creates (<see cref="Id"/> null) or edits a subject of a qualification. Published results are judged by the
/// current full marks and pass line, so changing them on a subject with scores needs <see cref="ConfirmScoredChange"/>
/// and recomputes the certificates of the candidates concerned. <see cref="LoadedVersion"/> is
/// <see cref="SaveSubject.VersionOf"/> of the row the form loaded.
/// </summary>
public sealed record SaveSubjectRequest(int? Id, int QualificationId, string? Code, string? NameZh, string? NameEn,
    decimal FullMarks, decimal PassLine, int SortOrder, string? UserId, bool ConfirmScoredChange = false, string? LoadedVersion = null);

public sealed class SaveSubject(IDbContextFactory<ScorePortalDbContext> dbFactory, CatalogChanges changes)
{
    public const string NotFound = "Catalog.Error.SubjectNotFound";
    public const string QualificationMissing = "Catalog.Error.QualificationMissing";
    public const string DuplicateCode = "Catalog.Error.DuplicateSubjectCode";
    public const string FullMarksInvalid = "Catalog.Error.FullMarksInvalid";
    public const string PassLineInvalid = "Catalog.Error.PassLineInvalid";
    public const string OneDecimal = "Catalog.Error.OneDecimal";
    public const string SortOrderRange = SaveLevel.SortOrderRange;
    public const string ScoredChangeNeedsConfirmation = "Catalog.Error.ScoredChangeNeedsConfirmation";
    public const string QualificationHasResults = "Catalog.Error.QualificationHasResults";
    public const string FullMarksBelowScores = "Catalog.Error.FullMarksBelowScores";

    /// <summary>The columns hold five digits with one decimal.</summary>
    public const decimal MaxMarks = 9999.9m;

    public static string VersionOf(Subject s) => EditVersion.Of(s.Code, s.NameZh, s.NameEn, s.FullMarks, s.PassLine, s.SortOrder);

    public async Task<EditResult> HandleAsync(SaveSubjectRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var check = new EditValidator(db);
        var code = check.Code<Subject>(nameof(Subject.Code), request.Code);
        var nameZh = check.Text<Subject>(nameof(Subject.NameZh), request.NameZh);
        var nameEn = check.Text<Subject>(nameof(Subject.NameEn), request.NameEn);
        if (request.FullMarks is <= 0 or > MaxMarks) check.Add(nameof(request.FullMarks), FullMarksInvalid, MaxMarks);
        else if (decimal.Round(request.FullMarks, 1) != request.FullMarks) check.Add(nameof(request.FullMarks), OneDecimal);
        if (request.PassLine < 0 || request.PassLine > request.FullMarks) check.Add(nameof(request.PassLine), PassLineInvalid);
        else if (decimal.Round(request.PassLine, 1) != request.PassLine) check.Add(nameof(request.PassLine), OneDecimal);
        if (request.SortOrder is < 0 or > 999) check.Add(nameof(request.SortOrder), SortOrderRange, 0, 999);

        Subject? subject = null;
        if (request.Id is { } id)
        {
            subject = await db.Subjects.FirstOrDefaultAsync(s => s.Id == id, ct);
            if (subject is null || subject.QualificationId != request.QualificationId) return EditResult.Refused("", NotFound);
            if (EditVersion.IsStale(request.LoadedVersion, VersionOf(subject))) return EditResult.Refused("", EditVersion.Stale);
        }
        else if (!await db.Qualifications.AnyAsync(q => q.Id == request.QualificationId, ct))
        {
            return EditResult.Refused("", QualificationMissing);
        }
        // A new subject would silently take every earned pass away from a qualification that already has results
        // (nobody has passed the new subject): such a change is a new qualification, not an edit.
        else if (await db.SubjectScores.AnyAsync(s => s.Subject.QualificationId == request.QualificationId, ct))
        {
            return EditResult.Refused("", QualificationHasResults);
        }
        if (code is not null && await db.Subjects.AnyAsync(s => s.QualificationId == request.QualificationId && s.Code == code && s.Id != (request.Id ?? 0), ct))
            check.Add(nameof(request.Code), DuplicateCode, code);
        if (check.Errors.Count > 0) return EditResult.Refused(check.Errors);

        var marksChanged = subject is not null && (subject.FullMarks != request.FullMarks || subject.PassLine != request.PassLine);
        var scored = marksChanged && await db.SubjectScores.AnyAsync(s => s.SubjectId == subject!.Id, ct);
        if (scored && request.FullMarks < subject!.FullMarks)
        {
            // Scores are encrypted: the highest one is found by reading them; an admin edit can afford it.
            var subjectId = subject.Id;
            var highest = (await db.SubjectScores.AsNoTracking().Where(s => s.SubjectId == subjectId).Select(s => s.Score).ToListAsync(ct)).Max();
            if (highest > request.FullMarks)
                return EditResult.Refused(nameof(request.FullMarks), FullMarksBelowScores, highest.Value);
        }
        if (scored && !request.ConfirmScoredChange)
            return new EditResult([new EditError(nameof(request.PassLine), ScoredChangeNeedsConfirmation)], request.Id, NeedsConfirmation: true);

        var created = subject is null;
        subject ??= db.Subjects.Add(new Subject { QualificationId = request.QualificationId }).Entity;
        subject.Code = code!;
        subject.NameZh = nameZh!;
        subject.NameEn = nameEn!;
        subject.FullMarks = request.FullMarks;
        subject.PassLine = request.PassLine;
        subject.SortOrder = request.SortOrder;
        var changed = created ? null : db.Entry(subject).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        if (changed is { Count: 0 }) return EditResult.Saved(subject.Id);

        var saved = await changes.SaveAsync(db,
            scored ? () => db.SubjectScores.Where(s => s.SubjectId == subject.Id) : null,
            outcome =>
            {
                var extra = new Dictionary<string, string?> { ["qualificationId"] = CatalogAudit.Id(request.QualificationId) };
                if (outcome is { } o) foreach (var (k, v) in CatalogChanges.OutcomeData(o)) extra[k] = v;
                return CatalogAudit.Change(AuditActions.CatalogChange, request.UserId, "subject", CatalogAudit.Id(subject.Id),
                    created ? "create" : "update", changed, extra);
            }, ct);
        return saved ? EditResult.Saved(subject.Id) : EditResult.Refused(nameof(request.Code), DuplicateCode, code!);
    }
}
