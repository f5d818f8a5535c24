using ScorePortal.Model;

namespace ScorePortal.Features.Results;

/// <summary>
/// The result sheet built from a lookup's rows (<see cref="ResultQuery"/>): catalog names, pass lines and exam-center
/// contacts come from <see cref="ResultCatalog"/>, session names and release times from <see cref="SessionCatalog"/>,
/// so the sheet, the passes carried over from earlier sittings and the certificate need no further query.
/// </summary>
internal static class ResultSheetBuilder
{
    /// <summary>The result sheet of <paramref name="registration"/> (a row of <paramref name="rows"/>), or where to ask when it holds no score.</summary>
    public static async Task<ResultOutcome> BuildAsync(IReadOnlyList<ResultRow> rows, ResultRow registration,
        ResultCatalog catalog, SessionCatalog sessions, CancellationToken ct)
    {
        var allSessions = await sessions.AllAsync(ct);
        var session = SessionOf(allSessions, registration.SessionId)
            ?? throw new InvalidOperationException($"Session {registration.SessionId} is not in the session catalog.");
        var snapshot = await catalog.GetAsync(ct);
        if (!snapshot.Qualifications.ContainsKey(registration.QualificationId) || !snapshot.Centers.ContainsKey(registration.ProvinceCode))
        {
            // Added moments ago on another instance (its removal not heard yet, or Redis down): read the catalog afresh
            // here once; the other instances need not.
            await catalog.RefreshHereAsync(ct);
            snapshot = await catalog.GetAsync(ct);
        }
        var qualification = snapshot.Qualifications[registration.QualificationId];

        var scores = rows.Where(r => r.RegistrationId == registration.RegistrationId && r.SubjectId is not null).ToList();
        if (scores.Count == 0)
            return new ResultOutcome.NoScores(session.NameZh, session.NameEn, snapshot.Centers[registration.ProvinceCode]);

        var lines = new List<SubjectLine>(qualification.Subjects.Count);
        foreach (var subject in qualification.Subjects)
        {
            if (scores.FirstOrDefault(s => s.SubjectId == subject.Id) is not { Status: { } status } score) continue;
            var passed = status == ScoreStatus.Normal && score.Score is { } value && value >= subject.PassLine;
            lines.Add(new SubjectLine(subject.NameZh, subject.NameEn, score.Score, status, subject.FullMarks, subject.PassLine, passed));
        }

        return new ResultOutcome.Found(new ResultSheet(
            registration.Name, MaskIdNumber(registration.IdNumber),
            session.NameZh, session.NameEn,
            qualification.NameZh, qualification.NameEn, qualification.LevelZh, qualification.LevelEn,
            registration.TicketNumber, lines, CarriedPasses(rows, registration, session, qualification, allSessions),
            Certificate(registration, session, allSessions), qualification.ScoreValidityYears));
    }

    /// <summary>
    /// Passes that still count towards the qualification: from sittings of this exam year and the years before it that
    /// the validity window reaches, up to and including this session; the latest pass of each subject.
    /// </summary>
    private static List<CarriedPass> CarriedPasses(IReadOnlyList<ResultRow> rows, ResultRow registration, SessionInfo session,
        QualificationInfo qualification, IReadOnlyList<SessionInfo> sessions)
    {
        if (qualification.ScoreValidityYears <= 1) return [];
        var firstYear = session.Year - qualification.ScoreValidityYears + 1;
        var passes = new List<(SubjectInfo Subject, SessionInfo PassedIn, decimal Score)>();
        foreach (var row in rows)
        {
            if (row.QualificationId != registration.QualificationId || row.Status != ScoreStatus.Normal || row.Score is not { } score) continue;
            if (qualification.Subjects.FirstOrDefault(s => s.Id == row.SubjectId) is not { } subject || score < subject.PassLine) continue;
            if (SessionOf(sessions, row.SessionId) is not { } passedIn) continue;
            if (passedIn.Year < firstYear || passedIn.Year > session.Year || passedIn.ReleaseAt > session.ReleaseAt) continue;
            passes.Add((subject, passedIn, score));
        }
        return [.. passes
            .OrderBy(p => p.Subject.SortOrder).ThenByDescending(p => p.PassedIn.ReleaseAt)
            .DistinctBy(p => p.Subject.SortOrder)
            .Select(p => new CarriedPass(p.Subject.NameZh, p.Subject.NameEn, p.PassedIn.NameZh, p.PassedIn.NameEn,
                p.PassedIn.Year + qualification.ScoreValidityYears - 1, p.Score) { PassedInSessionCode = p.PassedIn.Code })];
    }

    /// <summary>The certificate number, when it was issued in this session or one released before it.</summary>
    private static string? Certificate(ResultRow registration, SessionInfo session, IReadOnlyList<SessionInfo> sessions) =>
        registration.CertificateNumber is { } number && registration.CertificateSessionId is { } passedIn
        && SessionOf(sessions, passedIn) is { } issuedIn && issuedIn.ReleaseAt <= session.ReleaseAt
            ? number
            : null;

    private static SessionInfo? SessionOf(IReadOnlyList<SessionInfo> sessions, int id)
    {
        foreach (var s in sessions)
            if (s.Id == id) return s;
        return null;
    }

    /// <summary>First 6 and last 4 characters (110105********2311); short passport numbers keep 2 and 2.</summary>
    public static string MaskIdNumber(string id)
    {
        var (head, tail) = id.Length > 10 ? (6, 4) : id.Length > 4 ? (2, 2) : (0, 0);
        return string.Concat(id.AsSpan(0, head), new string('*', id.Length - head - tail), id.AsSpan(id.Length - tail));
    }
}
