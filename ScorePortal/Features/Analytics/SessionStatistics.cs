using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Model;

namespace ScorePortal.Features.Analytics;

/// <summary>Figures of one qualification at one province's exam center in one session.</summary>
public sealed record GroupFigures(int QualificationId, string ProvinceCode, int Registrations, int Sat, int Absent, int Voided, int Passed)
{
    public double PassRate => Sat == 0 ? 0 : (double)Passed / Sat;
}

/// <summary>One subject's figures in a session (all provinces), with a score histogram in bins of <see cref="SessionFigures.BinWidth"/>.</summary>
public sealed record SubjectFigures(int SubjectId, int QualificationId, string ProvinceCode, int Sat, int Passed, IReadOnlyList<int> Histogram);

/// <summary>Everything the analytics page shows of one session; computed once and cached (immutable).</summary>
[ImmutableObject(true)]
public sealed record SessionFigures(int SessionId, IReadOnlyList<GroupFigures> Groups, IReadOnlyList<SubjectFigures> Subjects,
    IReadOnlyDictionary<int, int> CertificatesByQualification)
{
    public const int BinWidth = 5;
}

/// <summary>
/// Aggregates a session's current scores. Scores are encrypted, so they are decrypted and counted here, in one streamed
/// pass over the session's current scores ordered by registration; the result is cached per session under the tag that
/// publication and retraction clear (<see cref="ResultCaches.AnalyticsTag"/>).
/// </summary>
public sealed class SessionStatistics(IDbContextFactory<ScorePortalDbContext> dbFactory, HybridCache cache)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromHours(1), LocalCacheExpiration = TimeSpan.FromHours(1) };

    public async Task<SessionFigures> ForSessionAsync(int sessionId, CancellationToken ct = default) =>
        await cache.GetOrCreateAsync($"analytics:session:{sessionId}", async token => await ComputeAsync(sessionId, token),
            Entry, [ResultCaches.AnalyticsTag], ct);

    private sealed class Group(int qualificationId, string province)
    {
        public int QualificationId { get; } = qualificationId;
        public string Province { get; } = province;
        public int Registrations, Sat, Absent, Voided, Passed;
    }

    private sealed class SubjectCounts
    {
        public int Sat, Passed;
        public int[] Histogram = [];
    }

    private async Task<SessionFigures> ComputeAsync(int sessionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subjects = await db.Subjects.AsNoTracking()
            .Select(s => new { s.Id, s.QualificationId, s.FullMarks, s.PassLine }).ToDictionaryAsync(s => s.Id, ct);
        var subjectCount = subjects.Values.GroupBy(s => s.QualificationId).ToDictionary(g => g.Key, g => g.Count());

        var groups = new Dictionary<(int, string), Group>();
        var perSubject = new Dictionary<(int Subject, string Province), SubjectCounts>();

        var rows = db.SubjectScores.AsNoTracking()
            .Where(s => s.IsCurrent && s.Registration.ExamSessionId == sessionId)
            .OrderBy(s => s.RegistrationId)
            .Select(s => new { s.RegistrationId, s.Registration.QualificationId, s.Registration.ProvinceCode, s.SubjectId, s.Score, s.Status })
            .AsAsyncEnumerable();

        int current = -1, qualification = 0, sat = 0, absent = 0, voided = 0, passed = 0;
        var province = "";
        void Close()
        {
            if (current < 0) return;
            if (!groups.TryGetValue((qualification, province), out var g)) groups[(qualification, province)] = g = new Group(qualification, province);
            g.Registrations++;
            if (sat > 0) g.Sat++;
            else g.Absent++;
            if (voided > 0) g.Voided++;
            if (passed == subjectCount.GetValueOrDefault(qualification, -1)) g.Passed++;
        }

        await foreach (var r in rows.WithCancellation(ct))
        {
            if (r.RegistrationId != current)
            {
                Close();
                (current, qualification, province, sat, absent, voided, passed) = (r.RegistrationId, r.QualificationId, r.ProvinceCode, 0, 0, 0, 0);
            }
            var subject = subjects[r.SubjectId];
            if (!perSubject.TryGetValue((r.SubjectId, r.ProvinceCode), out var counts))
            {
                perSubject[(r.SubjectId, r.ProvinceCode)] = counts = new SubjectCounts
                {
                    Histogram = new int[(int)Math.Ceiling(subject.FullMarks / SessionFigures.BinWidth) + 1],
                };
            }
            switch (r.Status)
            {
                case ScoreStatus.Absent:
                    absent++;
                    break;
                case ScoreStatus.Voided:
                    voided++;
                    sat++;
                    counts.Sat++;
                    break;
                default:
                    sat++;
                    counts.Sat++;
                    if (r.Score is { } score)
                        counts.Histogram[Math.Clamp((int)(score / SessionFigures.BinWidth), 0, counts.Histogram.Length - 1)]++;
                    if (QualificationRule.IsPass(r.Status, r.Score, subject.PassLine))
                    {
                        passed++;
                        counts.Passed++;
                    }
                    break;
            }
        }
        Close();

        var certificates = await db.QualificationOutcomes.AsNoTracking()
            .Where(o => o.PassedInSessionId == sessionId && o.RevokedAt == null)
            .GroupBy(o => o.QualificationId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        return new SessionFigures(sessionId,
            groups.Values.Select(g => new GroupFigures(g.QualificationId, g.Province, g.Registrations, g.Sat, g.Absent, g.Voided, g.Passed)).ToList(),
            perSubject.Select(p => new SubjectFigures(p.Key.Subject, subjects[p.Key.Subject].QualificationId, p.Key.Province, p.Value.Sat, p.Value.Passed, p.Value.Histogram)).ToList(),
            certificates);
    }
}
