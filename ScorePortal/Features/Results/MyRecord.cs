using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Results;

/// <summary>One released session of the linked record: its result sheet, or where to ask when it holds no score.</summary>
public sealed record MySession(int RegistrationId, string SessionCode, DateTimeOffset ReleaseAt, string ProvinceCode, ResultOutcome Outcome)
{
    public ResultSheet? Sheet => (Outcome as ResultOutcome.Found)?.Sheet;
}

/// <summary>The candidate record linked to an account, with every released session, newest first.</summary>
public sealed record MyRecordView(int CandidateId, string? RecordEmail, IReadOnlyList<MySession> Sessions);

/// <summary>
/// Reads the record linked to a signed-in account through the lookup's own query and sheet builder, so "My scores",
/// the score report and the public lookup show the same figures. Only the account's own record is ever read: the
/// candidate is found by the account id, never by an id from the request.
/// </summary>
public sealed class MyRecord(IDbContextFactory<ScorePortalDbContext> dbFactory, ResultQuery query, ResultCatalog catalog,
    SessionCatalog sessions, TimeProvider time)
{
    /// <summary>Null when the account has no linked record.</summary>
    public async Task<MyRecordView?> LoadAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidate = await db.Candidates.AsNoTracking()
            .Where(c => c.UserId == userId)
            .Select(c => new { c.Id, c.IdType, c.IdNumberIndex, c.Email })
            .FirstOrDefaultAsync(ct);
        if (candidate is null) return null;

        var rows = await query.ByIdNumberAsync(candidate.IdType, candidate.IdNumberIndex, ct);
        var all = await sessions.AllAsync(ct);
        var now = time.GetUtcNow();
        var result = new List<MySession>();
        foreach (var registration in rows.DistinctBy(r => r.RegistrationId))
        {
            if (all.FirstOrDefault(s => s.Id == registration.SessionId) is not { } session || !session.IsReleased(now)) continue;
            var outcome = await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
            result.Add(new MySession(registration.RegistrationId, session.Code, session.ReleaseAt, registration.ProvinceCode, outcome));
        }
        return new MyRecordView(candidate.Id, candidate.Email,
            [.. result.OrderByDescending(s => s.ReleaseAt)]);
    }
}
