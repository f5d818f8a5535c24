using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Scores;

namespace ScorePortal.Features.Lookup;

/// <summary>Builds the result sheet of one matched registration; both lookup channels end here.</summary>
internal static class ResultSheetQuery
{
    public static async Task<LookupOutcome> LoadAsync(ScorePortalDbContext db, int registrationId, CancellationToken ct)
    {
        var reg = await db.Registrations.AsNoTracking()
            .Where(r => r.Id == registrationId)
            .Select(r => new
            {
                r.CandidateId, r.QualificationId, r.TicketNumber,
                r.Candidate.Name, r.Candidate.IdNumber,
                Session = new { r.ExamSession.Id, r.ExamSession.Year, r.ExamSession.Half, r.ExamSession.NameZh, r.ExamSession.NameEn, r.ExamSession.ReleaseAt },
                Q = new { r.Qualification.NameZh, r.Qualification.NameEn, r.Qualification.ScoreValidityYears, LevelZh = r.Qualification.Level.NameZh, LevelEn = r.Qualification.Level.NameEn },
                P = new { r.Province.ExamCenterNameZh, r.Province.ExamCenterNameEn, r.Province.ContactPhone, r.Province.ContactEmail, r.Province.ContactAddress, r.Province.Website },
                Scores = r.Scores.Where(s => s.IsCurrent).Select(s => new { s.SubjectId, s.Score, s.Status }).ToList(),
            })
            .SingleAsync(ct);

        if (reg.Scores.Count == 0)
            return new LookupOutcome.NoScores(reg.Session.NameZh, reg.Session.NameEn,
                new ExamCenterContact(reg.P.ExamCenterNameZh, reg.P.ExamCenterNameEn, reg.P.ContactPhone, reg.P.ContactEmail, reg.P.ContactAddress, reg.P.Website));

        var subjects = await db.Subjects.AsNoTracking()
            .Where(s => s.QualificationId == reg.QualificationId)
            .OrderBy(s => s.SortOrder)
            .ToListAsync(ct);

        var lines = new List<SubjectLine>();
        foreach (var subject in subjects)
        {
            var score = reg.Scores.FirstOrDefault(s => s.SubjectId == subject.Id);
            if (score is null) continue;
            var passed = score.Status == ScoreStatus.Normal && subject.IsPassed(score.Score);
            lines.Add(new SubjectLine(subject.NameZh, subject.NameEn, score.Score, score.Status, subject.FullMarks, subject.PassLine, passed));
        }

        // Passes that still count towards the qualification: from sittings of this exam year and the years before it
        // that the validity window reaches, up to and including this session.
        var passes = new List<CarriedPass>();
        if (reg.Q.ScoreValidityYears > 1)
        {
            var firstYear = reg.Session.Year - reg.Q.ScoreValidityYears + 1;
            var earlier = await db.SubjectScores.AsNoTracking()
                .Where(s => s.IsCurrent && s.Registration.CandidateId == reg.CandidateId && s.Registration.QualificationId == reg.QualificationId
                            && s.Registration.ExamSession.Year >= firstYear && s.Registration.ExamSession.Year <= reg.Session.Year
                            && s.Status == ScoreStatus.Normal)
                .Select(s => new
                {
                    s.Score, s.Subject.PassLine, s.Subject.SortOrder, s.Subject.NameZh, s.Subject.NameEn,
                    SessionZh = s.Registration.ExamSession.NameZh, SessionEn = s.Registration.ExamSession.NameEn,
                    s.Registration.ExamSession.Year, s.Registration.ExamSession.ReleaseAt,
                })
                .ToListAsync(ct);
            // SQLite compares neither decimals nor DateTimeOffsets in SQL; the rows are few.
            passes.AddRange(earlier
                .Where(p => p.Score >= p.PassLine && p.ReleaseAt <= reg.Session.ReleaseAt)
                .OrderBy(p => p.SortOrder).ThenByDescending(p => p.ReleaseAt)
                .DistinctBy(p => p.SortOrder)
                .Select(p => new CarriedPass(p.NameZh, p.NameEn, p.SessionZh, p.SessionEn, p.Year + reg.Q.ScoreValidityYears - 1)));
        }

        var certificate = await db.QualificationOutcomes.AsNoTracking()
            .Where(o => o.CandidateId == reg.CandidateId && o.QualificationId == reg.QualificationId)
            .Select(o => new { o.CertificateNumber, o.PassedInSession.ReleaseAt })
            .FirstOrDefaultAsync(ct);

        return new LookupOutcome.Found(new ResultSheet(
            reg.Name, MaskIdNumber(reg.IdNumber),
            reg.Session.NameZh, reg.Session.NameEn,
            reg.Q.NameZh, reg.Q.NameEn, reg.Q.LevelZh, reg.Q.LevelEn,
            reg.TicketNumber, lines, passes,
            certificate is not null && certificate.ReleaseAt <= reg.Session.ReleaseAt ? certificate.CertificateNumber : null, reg.Q.ScoreValidityYears));
    }

    /// <summary>First 6 and last 4 characters (110105********2311); short passport numbers keep 2 and 2.</summary>
    public static string MaskIdNumber(string id)
    {
        var (head, tail) = id.Length > 10 ? (6, 4) : id.Length > 4 ? (2, 2) : (0, 0);
        return string.Concat(id.AsSpan(0, head), new string('*', id.Length - head - tail), id.AsSpan(id.Length - tail));
    }
}
