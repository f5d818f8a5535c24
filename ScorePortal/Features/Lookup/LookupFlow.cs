using ScorePortal.Features.Results;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// The order every lookup follows, written once for the three channels (ID, ticket, passport): the guard (captcha,
/// limits, lockout) before any query, so a refused request costs no database work; the session and its release time;
/// the one query; the outcome told to the guard, matched or not; and one "not found" for every kind of mismatch, so
/// the answer never says whether a number exists. The channels differ only in what they key on and how they compare.
/// </summary>
public sealed class LookupFlow(SessionCatalog sessions, ResultCatalog catalog, TimeProvider time, ILookupGuard guard, LookupDecoy decoy,
    ILogger<LookupFlow> logger)
{
    /// <param name="attempt">What the guard keys on.</param>
    /// <param name="sessionCode">The session asked about.</param>
    /// <param name="unknownSession">The answer when no session has that code.</param>
    /// <param name="query">The channel's one query, given the session.</param>
    /// <param name="matches">Whether the candidate's registration in the session is the person asking (name, email).</param>
    internal async Task<ResultOutcome> RunAsync(LookupAttempt attempt, string? sessionCode, ResultOutcome unknownSession,
        Func<SessionInfo, CancellationToken, Task<List<ResultRow>>> query, Func<ResultRow, bool> matches, CancellationToken ct)
    {
        if (await guard.CheckAsync(attempt, ct) is { } refusal) return new ResultOutcome.Refused(refusal.MessageKey, refusal.RetryAfter);

        var session = await sessions.ByCodeAsync(sessionCode, ct);
        if (session is null) return unknownSession;
        // The release time is public: saying it costs nothing and reveals nothing about the candidate.
        if (!session.IsReleased(time.GetUtcNow())) return new ResultOutcome.NotReleased(session.NameZh, session.NameEn, session.ReleaseAt);

        var rows = await query(session, ct);

        // No such candidate, another name or email and no registration in the session are one and the same answer,
        // after the same work: as many decryptions and one stored name compared (a decoy's when there is none).
        var registration = rows.Find(r => r.SessionId == session.Id);
        decoy.TopUp(LookupDecoy.DecryptionsOf(rows));
        var matched = matches(registration ?? LookupDecoy.Row) && registration is not null;
        await guard.RecordAsync(attempt, matched, ct);
        if (!matched)
        {
            logger.LogInformation("Lookup by {Channel} in session {SessionId}: no match", attempt.Channel, session.Id);
            return new ResultOutcome.NotFound();
        }

        logger.LogInformation("Lookup by {Channel} in session {SessionId}: candidate {CandidateId} matched", attempt.Channel, session.Id, registration!.CandidateId);
        return await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
    }
}
