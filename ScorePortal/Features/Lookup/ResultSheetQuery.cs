using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Scores;

namespace ScorePortal.Features.Lookup;

/// <summary>Builds the result sheet of one matched registration; both lookup channels end here.</summary>
internal static class ResultSheetQuery
{
    private sealed record ScoreRow(int SubjectId, decimal? Score, ScoreStatus Status);

    private sealed record SubjectRow(int Id, string NameZh, string NameEn, decimal FullMarks, decimal PassLine, int SortOrder);

    private sealed record PassRow(decimal? Score, decimal PassLine, int SortOrder, string NameZh, string NameEn,
        string SessionZh, string SessionEn, int Year, DateTimeOffset ReleaseAt);

    private sealed record CertificateRow(string CertificateNumber, DateTimeOffset ReleaseAt);

    private sealed record SheetRow(
        int CandidateId, int QualificationId, string TicketNumber, string Name, string IdNumber,
        int SessionYear, string SessionZh, string SessionEn, DateTimeOffset SessionReleaseAt,
        string QualificationZh, string QualificationEn, int ScoreValidityYears, string LevelZh, string LevelEn,
        string CenterZh, string CenterEn, string? Phone, string? Email, string? Address, string? Website,
        List<ScoreRow> Scores, List<SubjectRow> Subjects);

    // What the sheet shows, in compiled queries that each seek an index: the registration with its session,
    // qualification, province, current scores and the qualification's subjects; the candidate's passes of that
    // qualification (for the validity rule); the certificate. Folding the last two into the first makes SQLite
    // build derived tables over all scores (no APPLY), which is far slower than three seeks.
    private static readonly Func<ScorePortalDbContext, int, Task<SheetRow>> Sheet = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int registrationId) => db.Registrations.AsNoTracking()
            .Where(r => r.Id == registrationId)
            .Select(r => new SheetRow(
                r.CandidateId, r.QualificationId, r.TicketNumber, r.Candidate.Name, r.Candidate.IdNumber,
                r.ExamSession.Year, r.ExamSession.NameZh, r.ExamSession.NameEn, r.ExamSession.ReleaseAt,
                r.Qualification.NameZh, r.Qualification.NameEn, r.Qualification.ScoreValidityYears,
                r.Qualification.Level.NameZh, r.Qualification.Level.NameEn,
                r.Province.ExamCenterNameZh, r.Province.ExamCenterNameEn, r.Province.ContactPhone, r.Province.ContactEmail,
                r.Province.ContactAddress, r.Province.Website,
                r.Scores.Where(s => s.IsCurrent).Select(s => new ScoreRow(s.SubjectId, s.Score, s.Status)).ToList(),
                r.Qualification.Subjects.Select(s => new SubjectRow(s.Id, s.NameZh, s.NameEn, s.FullMarks, s.PassLine, s.SortOrder)).ToList()))
            .AsSingleQuery()
            .Single());

    // Passes of the same qualification by the same candidate (indexed by candidate), for the validity rule.
    private static readonly Func<ScorePortalDbContext, int, int, IAsyncEnumerable<PassRow>> Passes = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int candidateId, int qualificationId) => db.SubjectScores.AsNoTracking()
            .Where(s => s.Registration.CandidateId == candidateId && s.Registration.QualificationId == qualificationId
                        && s.IsCurrent && s.Status == ScoreStatus.Normal)
            .Select(s => new PassRow(s.Score, s.Subject.PassLine, s.Subject.SortOrder, s.Subject.NameZh, s.Subject.NameEn,
                s.Registration.ExamSession.NameZh, s.Registration.ExamSession.NameEn, s.Registration.ExamSession.Year,
                s.Registration.ExamSession.ReleaseAt)));

    private static readonly Func<ScorePortalDbContext, int, int, Task<CertificateRow?>> Certificate = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int candidateId, int qualificationId) => db.QualificationOutcomes.AsNoTracking()
            .Where(q => q.CandidateId == candidateId && q.QualificationId == qualificationId && q.RevokedAt == null)
            .Select(q => new CertificateRow(q.CertificateNumber, q.PassedInSession.ReleaseAt))
            .FirstOrDefault());

    public static async Task<LookupOutcome> LoadAsync(ScorePortalDbContext db, int registrationId, CancellationToken ct)
    {
        var reg = await Sheet(db, registrationId);

        if (reg.Scores.Count == 0)
            return new LookupOutcome.NoScores(reg.SessionZh, reg.SessionEn,
                new ExamCenterContact(reg.CenterZh, reg.CenterEn, reg.Phone, reg.Email, reg.Address, reg.Website));

        var lines = new List<SubjectLine>();
        foreach (var subject in reg.Subjects.OrderBy(s => s.SortOrder))
        {
            var score = reg.Scores.FirstOrDefault(s => s.SubjectId == subject.Id);
            if (score is null) continue;
            var passed = score.Status == ScoreStatus.Normal && score.Score is { } value && value >= subject.PassLine;
            lines.Add(new SubjectLine(subject.NameZh, subject.NameEn, score.Score, score.Status, subject.FullMarks, subject.PassLine, passed));
        }

        // Passes that still count towards the qualification: from sittings of this exam year and the years before it
        // that the validity window reaches, up to and including this session. Scores are encrypted and SQLite compares
        // no DateTimeOffset, so this last filter runs here; the rows are few.
        var passes = new List<CarriedPass>();
        if (reg.ScoreValidityYears > 1)
        {
            var firstYear = reg.SessionYear - reg.ScoreValidityYears + 1;
            var rows = new List<PassRow>();
            await foreach (var row in Passes(db, reg.CandidateId, reg.QualificationId).WithCancellation(ct)) rows.Add(row);
            passes.AddRange(rows
                .Where(p => p.Year >= firstYear && p.Year <= reg.SessionYear && p.Score >= p.PassLine && p.ReleaseAt <= reg.SessionReleaseAt)
                .OrderBy(p => p.SortOrder).ThenByDescending(p => p.ReleaseAt)
                .DistinctBy(p => p.SortOrder)
                .Select(p => new CarriedPass(p.NameZh, p.NameEn, p.SessionZh, p.SessionEn, p.Year + reg.ScoreValidityYears - 1)));
        }

        var certificateRow = await Certificate(db, reg.CandidateId, reg.QualificationId);
        var certificate = certificateRow is not null && certificateRow.ReleaseAt <= reg.SessionReleaseAt ? certificateRow.CertificateNumber : null;
        return new LookupOutcome.Found(new ResultSheet(
            reg.Name, MaskIdNumber(reg.IdNumber),
            reg.SessionZh, reg.SessionEn,
            reg.QualificationZh, reg.QualificationEn, reg.LevelZh, reg.LevelEn,
            reg.TicketNumber, lines, passes, certificate, reg.ScoreValidityYears));
    }

    /// <summary>First 6 and last 4 characters (110105********2311); short passport numbers keep 2 and 2.</summary>
    public static string MaskIdNumber(string id)
    {
        var (head, tail) = id.Length > 10 ? (6, 4) : id.Length > 4 ? (2, 2) : (0, 0);
        return string.Concat(id.AsSpan(0, head), new string('*', id.Length - head - tail), id.AsSpan(id.Length - tail));
    }
}
