using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;

namespace ScorePortal.Features.Results;

/// <summary>Certificates issued and revoked by one recomputation of who passed.</summary>
public sealed record OutcomeChanges(int Candidates, int Issued, int Revoked)
{
    public static readonly OutcomeChanges None = new(0, 0, 0);
}

/// <summary>
/// Decides who passed after scores changed (publication, retraction) and keeps certificates in step: issues a
/// number to a new pass, keeps a certificate whose pass still holds in the same session, revokes one whose pass is
/// gone or moved. Runs on the caller's context and transaction, so a failure rolls the whole action back.
/// </summary>
public sealed class Outcomes(TimeProvider time, ILogger<Outcomes> logger)
{
    /// <summary>
    /// Candidates per round trip: each chunk is a few thousand score rows; the tracker is cleared after it, so a
    /// batch of 400,000 candidates runs in flat memory. Below SQL Server's 2,100 parameters per command.
    /// </summary>
    public const int ChunkSize = 1000;

    private sealed record SubjectInfo(int Id, int QualificationId, decimal PassLine);

    private sealed record SessionRow(int Id, int Year, ExamHalf Half, DateTimeOffset ReleaseAt, DateTimeOffset? PublishedAt);

    private sealed record PassRow(int CandidateId, int QualificationId, int SessionId, int SubjectId, decimal? Score);

    /// <summary>The candidates with a score row in the batch (any version, current or not).</summary>
    public static Task<List<int>> CandidatesOfBatchAsync(ScorePortalDbContext db, int batchId, CancellationToken ct) =>
        CandidatesOfAsync(db.SubjectScores.Where(s => s.ResultBatchId == batchId), ct);

    /// <summary>The candidates behind some score rows: whose outcome a change to those rows (or their rules) can move.</summary>
    public static async Task<List<int>> CandidatesOfAsync(IQueryable<SubjectScore> scores, CancellationToken ct) =>
        await scores.AsNoTracking()
            .Select(s => s.Registration.CandidateId)
            .Distinct()
            .OrderBy(id => id)
            .ToListAsync(ct);

    public async Task<OutcomeChanges> RecomputeAsync(ScorePortalDbContext db, IReadOnlyCollection<int> candidateIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(candidateIds);
        if (candidateIds.Count == 0) return OutcomeChanges.None;

        var now = time.GetUtcNow();
        var started = time.GetTimestamp();
        var validity = await db.Qualifications.AsNoTracking().ToDictionaryAsync(q => q.Id, q => q.ScoreValidityYears, ct);
        var subjects = await db.Subjects.AsNoTracking()
            .Select(s => new SubjectInfo(s.Id, s.QualificationId, s.PassLine)).ToDictionaryAsync(s => s.Id, ct);
        var subjectsOf = subjects.Values.GroupBy(s => s.QualificationId)
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<int>)g.Select(s => s.Id).ToList());
        var sessions = await db.ExamSessions.AsNoTracking()
            .Select(s => new SessionRow(s.Id, s.Year, s.Half, s.ReleaseAt, s.PublishedAt)).ToDictionaryAsync(s => s.Id, ct);
        var certificates = new CertificateSequence(db);

        int issued = 0, revoked = 0;
        var ordered = candidateIds.Distinct().Order().ToArray();
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var chunk in ordered.Chunk(ChunkSize))
            {
                var ids = chunk.ToList();
                // Only current scores of published sessions count; scores are encrypted, so the pass line is applied here.
                var rows = await db.SubjectScores.AsNoTracking()
                    .Where(s => s.IsCurrent && s.Status == ScoreStatus.Normal && ids.Contains(s.Registration.CandidateId)
                                && s.Registration.ExamSession.PublishedAt != null)
                    .Select(s => new PassRow(s.Registration.CandidateId, s.Registration.QualificationId, s.Registration.ExamSessionId, s.SubjectId, s.Score))
                    .ToListAsync(ct);
                var live = await db.QualificationOutcomes
                    .Where(o => o.RevokedAt == null && ids.Contains(o.CandidateId))
                    .ToListAsync(ct);

                var passes = rows
                    .Where(r => subjects.TryGetValue(r.SubjectId, out var s) && s.QualificationId == r.QualificationId
                                && QualificationRule.IsPass(ScoreStatus.Normal, r.Score, s.PassLine))
                    .ToLookup(r => (r.CandidateId, r.QualificationId));
                var liveByKey = live.ToDictionary(o => (o.CandidateId, o.QualificationId));
                var keys = passes.Select(g => g.Key).Union(liveByKey.Keys).OrderBy(k => k.CandidateId).ThenBy(k => k.QualificationId);

                var toIssue = new List<(int CandidateId, int QualificationId, SessionRow Session)>();
                foreach (var key in keys)
                {
                    int? passedIn = null;
                    if (passes[key].Any() && validity.TryGetValue(key.QualificationId, out var years))
                    {
                        var sittings = passes[key].GroupBy(r => r.SessionId).Select(g => new QualificationSitting(
                            g.Key, sessions[g.Key].Year, sessions[g.Key].Half, g.Select(r => r.SubjectId).Distinct().ToList()));
                        passedIn = QualificationRule.PassedIn(subjectsOf.GetValueOrDefault(key.QualificationId) ?? [], years, sittings);
                    }

                    var current = liveByKey.GetValueOrDefault(key);
                    if (current is not null && current.PassedInSessionId == passedIn) continue;
                    if (current is not null)
                    {
                        current.RevokedAt = now;
                        db.Entry(current).Property(o => o.RevokedAt).IsModified = true;
                        revoked++;
                    }
                    if (passedIn is { } sessionId) toIssue.Add((key.CandidateId, key.QualificationId, sessions[sessionId]));
                }

                // Revocations are saved first: the live certificate of a candidate and qualification is unique.
                await db.SaveChangesAsync(ct);
                foreach (var (candidateId, qualificationId, session) in toIssue)
                {
                    db.QualificationOutcomes.Add(new QualificationOutcome
                    {
                        CandidateId = candidateId,
                        QualificationId = qualificationId,
                        PassedInSessionId = session.Id,
                        CertificateNumber = await certificates.NextAsync(session.ReleaseAt, ct),
                        IssuedAt = now,
                    });
                    issued++;
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }

        logger.LogInformation("Outcomes recomputed for {Candidates} candidates: {Issued} certificates issued, {Revoked} revoked in {Elapsed}",
            ordered.Length, issued, revoked, time.GetElapsedTime(started));
        return new OutcomeChanges(ordered.Length, issued, revoked);
    }

    /// <summary>
    /// Next numbers per release date: after the highest number ever issued with that prefix (revoked ones too, so a
    /// number is never given twice). Read once per prefix; the caller's transaction keeps it consistent.
    /// </summary>
    private sealed class CertificateSequence(ScorePortalDbContext db)
    {
        private readonly Dictionary<string, int> _last = new(StringComparer.Ordinal);

        public async Task<string> NextAsync(DateTimeOffset releaseAt, CancellationToken ct)
        {
            var prefix = QualificationRule.CertificatePrefix(releaseAt);
            if (!_last.TryGetValue(prefix, out var last))
            {
                var highest = await db.QualificationOutcomes.AsNoTracking()
                    .Where(o => o.CertificateNumber.StartsWith(prefix))
                    .MaxAsync(o => (string?)o.CertificateNumber, ct);
                last = QualificationRule.SequenceOf(highest, prefix);
            }
            _last[prefix] = ++last;
            return QualificationRule.CertificateNumber(releaseAt, last);
        }
    }
}
