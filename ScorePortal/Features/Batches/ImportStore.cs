using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>Second pass: stores one chunk of checked rows (candidates and registrations first, then the staged scores).</summary>
internal sealed class ImportStore(ScorePortalDbContext db, BlindIndex blindIndex, int sessionId, int batchId, DateTimeOffset now)
{
    private readonly Dictionary<PersonKey, int> _candidates = [];
    private readonly Dictionary<string, (int Id, bool Existed)> _registrations = new(StringComparer.Ordinal);

    /// <summary>The mobile the file gives a person (the last row that gives one), or null.</summary>
    private static string? MobileOf(List<(ImportRow Row, byte[] Index, PersonKey Key)> keyed, PersonKey key) =>
        keyed.LastOrDefault(k => k.Key == key && k.Row.Mobile is not null).Row?.Mobile;

    /// <summary>
    /// A candidate known from an earlier session takes the mobile this file gives them: the number registered for the
    /// latest sitting is the one an SMS query answers. A row without one leaves the stored number as it is.
    /// </summary>
    private async Task UpdateMobilesAsync(IEnumerable<PersonKey> knownPeople, List<(ImportRow Row, byte[] Index, PersonKey Key)> keyed, CancellationToken ct)
    {
        var wanted = knownPeople.Select(k => (Key: k, Mobile: MobileOf(keyed, k))).Where(p => p.Mobile is not null)
            .ToDictionary(p => _candidates[p.Key], p => p.Mobile!);
        if (wanted.Count == 0) return;
        var ids = wanted.Keys.ToList();
        // Whole entities, tracked: the interceptor seals the new value for its row.
        foreach (var candidate in await db.Candidates.Where(c => EF.Constant(ids).Contains(c.Id)).ToListAsync(ct))
        {
            var mobile = wanted[candidate.Id];
            if (candidate.Mobile == mobile) continue;
            candidate.Mobile = mobile;
            candidate.MobileIndex = blindIndex.ComputeMobile(mobile);
        }
        await db.SaveChangesAsync(ct);
    }

    public async Task AddAsync(List<ImportRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var keyed = rows.Select(r =>
        {
            var index = blindIndex.Compute(r.IdType, r.IdNumber);
            return (Row: r, Index: index, Key: PersonKey.From(index));
        }).ToList();

        // Candidates: known ones by blind index, the others created.
        var missing = keyed.Where(k => !_candidates.ContainsKey(k.Key)).DistinctBy(k => k.Key).ToList();
        if (missing.Count > 0)
        {
            var indexes = missing.Select(m => m.Index).ToList();
            var known = await db.Candidates.AsNoTracking().Where(c => EF.Constant(indexes).Contains(c.IdNumberIndex))
                .Select(c => new { c.Id, c.IdNumberIndex }).ToListAsync(ct);
            foreach (var c in known) _candidates[PersonKey.From(c.IdNumberIndex)] = c.Id;
            var created = missing.Where(m => !_candidates.ContainsKey(m.Key))
                .Select(m => (m.Key, Entity: new Candidate
                {
                    IdType = m.Row.IdType, IdNumber = m.Row.IdNumber, IdNumberIndex = m.Index, Name = m.Row.Name,
                    Email = m.Row.Email, CreatedAt = now,
                    Mobile = MobileOf(keyed, m.Key), MobileIndex = MobileOf(keyed, m.Key) is { } mobile ? blindIndex.ComputeMobile(mobile) : null,
                }))
                .ToList();
            db.Candidates.AddRange(created.Select(c => c.Entity));
            await db.SaveChangesAsync(ct);
            foreach (var (key, entity) in created) _candidates[key] = entity.Id;
            await UpdateMobilesAsync(known.Select(c => PersonKey.From(c.IdNumberIndex)), keyed, ct);
        }

        // Registrations: by ticket number within the session.
        var newTickets = keyed.Where(k => !_registrations.ContainsKey(k.Row.Ticket)).DistinctBy(k => k.Row.Ticket).ToList();
        if (newTickets.Count > 0)
        {
            var numbers = newTickets.Select(t => t.Row.Ticket).ToList();
            var known = await db.Registrations.AsNoTracking()
                .Where(r => r.ExamSessionId == sessionId && EF.Constant(numbers).Contains(r.TicketNumber))
                .Select(r => new { r.Id, r.TicketNumber }).ToListAsync(ct);
            foreach (var r in known) _registrations[r.TicketNumber] = (r.Id, true);
            var created = newTickets.Where(t => !_registrations.ContainsKey(t.Row.Ticket))
                .Select(t => new Registration
                {
                    CandidateId = _candidates[t.Key], ExamSessionId = sessionId, QualificationId = t.Row.Qualification.Id,
                    ProvinceCode = t.Row.Province, TicketNumber = t.Row.Ticket, RegisteredAt = now,
                })
                .ToList();
            db.Registrations.AddRange(created);
            await db.SaveChangesAsync(ct);
            foreach (var r in created) _registrations[r.TicketNumber] = (r.Id, false);
        }

        // Versions: a registration that had scores before gets the next version of each subject.
        var earlier = keyed.Select(k => _registrations[k.Row.Ticket]).Where(r => r.Existed).Select(r => r.Id).Distinct().ToList();
        var versions = earlier.Count == 0
            ? []
            : await db.SubjectScores.AsNoTracking().Where(s => EF.Constant(earlier).Contains(s.RegistrationId))
                .GroupBy(s => new { s.RegistrationId, s.SubjectId })
                .Select(g => new { g.Key.RegistrationId, g.Key.SubjectId, Version = g.Max(s => s.Version) })
                .ToDictionaryAsync(v => (v.RegistrationId, v.SubjectId), v => v.Version, ct);

        db.SubjectScores.AddRange(keyed.Select(k =>
        {
            var registrationId = _registrations[k.Row.Ticket].Id;
            return new SubjectScore
            {
                RegistrationId = registrationId,
                SubjectId = k.Row.Subject.Id,
                Score = k.Row.Score,
                Status = k.Row.Status,
                Version = versions.GetValueOrDefault((registrationId, k.Row.Subject.Id)) + 1,
                ResultBatchId = batchId,
                IsCurrent = false,
            };
        }));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
