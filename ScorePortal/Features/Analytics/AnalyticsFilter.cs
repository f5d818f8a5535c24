using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Analytics;

/// <summary>What the analytics page and its CSV export are narrowed to; null means all.</summary>
public sealed record AnalyticsFilter(string? Session, string? Level, string? Qualification, string? Province);

/// <summary>Names and groupings of the catalog for the analytics page (small; read per page load).</summary>
public sealed record AnalyticsCatalog(
    IReadOnlyList<AnalyticsCatalog.SessionItem> Sessions,
    IReadOnlyDictionary<int, AnalyticsCatalog.QualificationItem> Qualifications,
    IReadOnlyDictionary<int, AnalyticsCatalog.SubjectItem> Subjects,
    IReadOnlyDictionary<string, AnalyticsCatalog.ProvinceItem> Provinces,
    IReadOnlyList<AnalyticsCatalog.LevelItem> Levels)
{
    public sealed record SessionItem(int Id, string Code, string NameZh, string NameEn);
    public sealed record LevelItem(string Code, string NameZh, string NameEn);
    public sealed record QualificationItem(int Id, string Code, string LevelCode, string NameZh, string NameEn);
    public sealed record SubjectItem(int Id, int QualificationId, string Code, string NameZh, string NameEn, decimal FullMarks, int SortOrder);
    public sealed record ProvinceItem(string Code, string NameZh, string NameEn);

    /// <summary>Published sessions only (the others have no results), newest first.</summary>
    public static async Task<AnalyticsCatalog> LoadAsync(ScorePortalDbContext db, CancellationToken ct)
    {
        var sessions = await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).NewestFirst()
            .Select(s => new SessionItem(s.Id, s.Code, s.NameZh, s.NameEn)).ToListAsync(ct);
        var levels = await db.QualificationLevels.AsNoTracking().OrderBy(l => l.Id)
            .Select(l => new LevelItem(l.Code, l.NameZh, l.NameEn)).ToListAsync(ct);
        var qualifications = await db.Qualifications.AsNoTracking().OrderBy(q => q.Code)
            .Select(q => new QualificationItem(q.Id, q.Code, q.Level.Code, q.NameZh, q.NameEn)).ToDictionaryAsync(q => q.Id, ct);
        var subjects = await db.Subjects.AsNoTracking()
            .Select(s => new SubjectItem(s.Id, s.QualificationId, s.Code, s.NameZh, s.NameEn, s.FullMarks, s.SortOrder)).ToDictionaryAsync(s => s.Id, ct);
        var provinces = await db.Provinces.AsNoTracking().OrderBy(p => p.Code)
            .Select(p => new ProvinceItem(p.Code, p.NameZh, p.NameEn)).ToDictionaryAsync(p => p.Code, ct);
        return new AnalyticsCatalog(sessions, qualifications, subjects, provinces, levels);
    }

    public SessionItem? SessionOf(string? code) =>
        code is null ? Sessions.FirstOrDefault() : Sessions.FirstOrDefault(s => string.Equals(s.Code, code, StringComparison.OrdinalIgnoreCase));

    public bool Matches(AnalyticsFilter filter, int qualificationId, string province)
    {
        var q = Qualifications.GetValueOrDefault(qualificationId);
        return (filter.Province is null || filter.Province == province)
               && (filter.Qualification is null || q?.Code == filter.Qualification)
               && (filter.Level is null || q?.LevelCode == filter.Level);
    }
}

/// <summary>The filtered figures as a CSV file: one line per qualification and province, stable English column names.</summary>
public static class AnalyticsCsv
{
    public static readonly string[] Header =
        ["session", "level", "qualification_code", "qualification_name", "province_code", "province_name",
         "registrations", "sat", "absent", "voided", "passed", "pass_rate"];

    public static byte[] Write(AnalyticsCatalog catalog, AnalyticsCatalog.SessionItem session, SessionFigures figures, AnalyticsFilter filter)
    {
        using var stream = new MemoryStream();
        // With the BOM, Excel reads the Chinese names as UTF-8.
        stream.Write(Encoding.UTF8.Preamble);
        using (var writer = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            writer.WriteRecord(Header);
            foreach (var g in figures.Groups.Where(g => catalog.Matches(filter, g.QualificationId, g.ProvinceCode))
                         .OrderBy(g => catalog.Qualifications[g.QualificationId].Code, StringComparer.Ordinal).ThenBy(g => g.ProvinceCode, StringComparer.Ordinal))
            {
                var q = catalog.Qualifications[g.QualificationId];
                var p = catalog.Provinces.GetValueOrDefault(g.ProvinceCode);
                writer.WriteRecord([
                    session.Code, q.LevelCode, q.Code, q.NameZh, g.ProvinceCode, p?.NameZh ?? "",
                    Int(g.Registrations), Int(g.Sat), Int(g.Absent), Int(g.Voided), Int(g.Passed),
                    g.PassRate.ToString("0.0000", CultureInfo.InvariantCulture),
                ]);
            }
            writer.Flush();
        }
        return stream.ToArray();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
