using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Batches;

/// <summary>What a row is checked against: the catalog and the provinces, read once per import.</summary>
public sealed class ImportCatalog
{
    public sealed record SubjectInfo(int Id, string Code, int Bit, decimal FullMarks, decimal PassLine);

    public sealed record QualificationInfo(int Id, string Code, Dictionary<string, SubjectInfo> Subjects)
    {
        /// <summary>A bit per subject: a ticket's passes and sittings fold into one integer.</summary>
        public int AllSubjectsMask => (1 << Subjects.Count) - 1;
    }

    public required Dictionary<string, QualificationInfo> Qualifications { get; init; }
    public required HashSet<string> Provinces { get; init; }

    public static async Task<ImportCatalog> LoadAsync(ScorePortalDbContext db, CancellationToken ct)
    {
        var subjects = await db.Subjects.AsNoTracking()
            .Select(s => new { s.Id, s.Code, s.QualificationId, s.FullMarks, s.PassLine, s.SortOrder })
            .ToListAsync(ct);
        var qualifications = await db.Qualifications.AsNoTracking().Where(q => q.IsActive)
            .Select(q => new { q.Id, q.Code }).ToListAsync(ct);
        var provinces = await db.Provinces.AsNoTracking().Select(p => p.Code).ToListAsync(ct);

        return new ImportCatalog
        {
            Qualifications = qualifications.ToDictionary(
                q => q.Code,
                q => new QualificationInfo(q.Id, q.Code, subjects.Where(s => s.QualificationId == q.Id)
                    .OrderBy(s => s.SortOrder).ThenBy(s => s.Code)
                    .Select((s, i) => new SubjectInfo(s.Id, s.Code, i, s.FullMarks, s.PassLine))
                    .ToDictionary(s => s.Code, StringComparer.OrdinalIgnoreCase)),
                StringComparer.OrdinalIgnoreCase),
            Provinces = provinces.ToHashSet(StringComparer.Ordinal),
        };
    }
}
