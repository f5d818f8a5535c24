using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Model;

namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>
/// Computes an enterprise's figures: its stored roster, joined with the consents that are active now (a consent revoked
/// or expired since the upload drops out at once), and each consenting employee's results read through the results
/// read model — the lookup's own query and sheet builder, so a pass, a certificate and a carried-over subject pass mean
/// here what they mean on the result sheet — limited to the qualifications the consent covers.
/// </summary>
public sealed class DepartmentFigures(IDbContextFactory<ScorePortalDbContext> dbFactory, ResultQuery query, ResultCatalog catalog,
    SessionCatalog sessions, TimeProvider time)
{
    public async Task<FiguresView> LoadAsync(int enterpriseId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var allSessions = await sessions.AllAsync(ct);
        var next = NextSitting(now, allSessions);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var roster = await db.RosterEntries.AsNoTracking().Where(r => r.EnterpriseId == enterpriseId)
            .Select(r => new { r.EmployeeId, r.Department, r.Performance, r.YearsOfService, r.UploadedAt })
            .ToListAsync(ct);
        if (roster.Count == 0) return FiguresView.Empty(next);

        var consents = await db.Consents.AsNoTracking()
            .Where(c => c.EnterpriseId == enterpriseId && c.RevokedAt == null && c.ClosedAt == null && c.ExpiresAt > now)
            .Select(c => new
            {
                c.EmployeeId, c.Candidate.IdType, c.Candidate.IdNumberIndex,
                Qualifications = c.Qualifications.Select(q => q.QualificationId).ToList(),
            })
            .ToListAsync(ct);
        var consentOf = consents.ToDictionary(c => c.EmployeeId, StringComparer.Ordinal);
        var labels = await LabelsAsync(db, ct);

        var people = new List<PersonFacts>();
        var hasPerformance = false;
        var hasYears = false;
        foreach (var entry in roster)
        {
            if (!consentOf.TryGetValue(entry.EmployeeId, out var consent)) continue;
            var rows = await query.ByIdNumberAsync(consent.IdType, consent.IdNumberIndex, ct);
            var covered = consent.Qualifications.ToHashSet();
            var facts = await FactsAsync(rows, covered, allSessions, now, next, ct);
            people.Add(new PersonFacts(entry.Department, entry.Performance, entry.YearsOfService, facts));
            hasPerformance |= entry.Performance is not null;
            hasYears |= entry.YearsOfService is not null;
        }
        return FiguresBuilder.Build(people, labels, next, roster.Max(r => r.UploadedAt), hasPerformance, hasYears);
    }

    /// <summary>One person's facts per covered qualification with a released result, from their result sheets.</summary>
    private async Task<List<QualificationFacts>> FactsAsync(List<ResultRow> rows, HashSet<int> covered, IReadOnlyList<SessionInfo> allSessions,
        DateTimeOffset now, Sitting next, CancellationToken ct)
    {
        var released = new List<(ResultRow Registration, SessionInfo Session)>();
        foreach (var registration in rows.DistinctBy(r => r.RegistrationId))
        {
            if (!covered.Contains(registration.QualificationId)) continue;
            if (allSessions.FirstOrDefault(s => s.Id == registration.SessionId) is not { } session || !session.IsReleased(now)) continue;
            released.Add((registration, session));
        }

        var facts = new List<QualificationFacts>();
        foreach (var qualification in released.GroupBy(r => r.Registration.QualificationId))
        {
            var sheets = new List<ResultSheet>();
            // Newest sitting first: its sheet carries the passes of the earlier sittings that still count.
            foreach (var (registration, _) in qualification.OrderByDescending(r => r.Session.ReleaseAt))
            {
                if (await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct) is ResultOutcome.Found found) sheets.Add(found.Sheet);
            }
            if (sheets.Count == 0) continue;

            var sat = sheets.Any(s => s.Subjects.Any(l => l.Status == ScoreStatus.Normal));
            var passed = sheets.Any(s => s.QualificationPassed);
            Sitting? lapse = null;
            if (!passed)
            {
                // A pass counts for the sittings of its exam year and, with a two-year validity, the next one: the first
                // still alive at the next sitting lapses after the second-half sitting of its last year.
                var alive = sheets[0].ValidPasses.Where(p => p.ValidThroughYear >= next.Year).Select(p => p.ValidThroughYear).ToList();
                if (alive.Count > 0) lapse = new Sitting(alive.Min(), ExamHalf.H2);
            }
            facts.Add(new QualificationFacts(qualification.Key, sat, passed, lapse));
        }
        return facts;
    }

    private static async Task<Dictionary<int, QualificationLabel>> LabelsAsync(ScorePortalDbContext db, CancellationToken ct)
    {
        var levels = await db.QualificationLevels.AsNoTracking().OrderBy(l => l.SortOrder).ThenBy(l => l.Id).Select(l => l.Id).ToListAsync(ct);
        var qualifications = await db.Qualifications.AsNoTracking()
            .Select(q => new { q.Id, q.Code, q.NameZh, q.NameEn, q.LevelId, LevelZh = q.Level.NameZh, LevelEn = q.Level.NameEn })
            .ToListAsync(ct);
        return qualifications.ToDictionary(q => q.Id,
            q => new QualificationLabel(q.Id, q.Code, q.NameZh, q.NameEn, q.LevelZh, q.LevelEn, levels.IndexOf(q.LevelId) + 1));
    }

    /// <summary>
    /// The next sitting: the earliest session in the catalog whose exam has not begun (China date), or the sitting the
    /// calendar points at (H1 sittings are held in May, H2 in November), whichever comes first.
    /// </summary>
    public static Sitting NextSitting(DateTimeOffset now, IEnumerable<SessionInfo> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var today = DateOnly.FromDateTime(PortalFormat.ToChinaTime(now).DateTime);
        var byCalendar = today.Month <= 4 ? new Sitting(today.Year, ExamHalf.H1)
            : today.Month <= 10 ? new Sitting(today.Year, ExamHalf.H2)
            : new Sitting(today.Year + 1, ExamHalf.H1);
        var scheduled = sessions.Where(s => s.ExamStartDate > today).Select(s => new Sitting(s.Year, s.Half)).ToList();
        return scheduled.Count > 0 && scheduled.Min() < byCalendar ? scheduled.Min() : byCalendar;
    }
}
