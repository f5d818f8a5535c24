using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Candidates;

namespace ScorePortal.Features.Lookup;

/// <summary>Lookup by admission ticket number (准考证号, e.g. 2026H1-11-000001) + name: the ticket names the session.</summary>
public sealed record LookupByTicketRequest(string? TicketNumber, string? Name, string? CaptchaToken = null, string? CaptchaAnswer = null)
{
    public IReadOnlyList<string> Validate(out string ticket, out string normalizedName)
    {
        var errors = new List<string>();
        ticket = (TicketNumber ?? "").Trim().ToUpperInvariant();
        if (ticket.Length == 0) errors.Add("Lookup.Error.TicketRequired");
        else if (SessionCodeOf(ticket) is null) errors.Add("Lookup.Error.TicketFormat");
        if (CandidateIdentity.NameError(Name, out normalizedName) is { } nameProblem) errors.Add(nameProblem);
        return errors;
    }

    /// <summary>"2026H1" of "2026H1-11-000001", or null when the ticket does not have that layout.</summary>
    internal static string? SessionCodeOf(string ticket)
    {
        if (ticket.Length is < 10 or > 32 || !ticket.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return null;
        var dash = ticket.IndexOf('-');
        return dash is >= 5 and <= 16 ? ticket[..dash] : null;
    }
}

public sealed class LookupByTicket(
    LookupQuery query, ScorePortal.Features.Sessions.SessionCatalog sessions, LookupCatalog catalog, TimeProvider time,
    ILookupGuard guard, ILogger<LookupByTicket> logger)
{
    public async Task<LookupOutcome> HandleAsync(LookupByTicketRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var ticket, out var name);
        if (errors.Count > 0) return new LookupOutcome.Invalid(errors);

        var attempt = new LookupAttempt("ticket", ticket, request.CaptchaToken, request.CaptchaAnswer);
        if (await guard.CheckAsync(attempt, ct) is { } refusal) return new LookupOutcome.Refused(refusal);

        var session = await sessions.ByCodeAsync(LookupByTicketRequest.SessionCodeOf(ticket), ct);
        // An unknown session prefix is a mistyped ticket, not a missing candidate: the same answer as no match.
        if (session is null) return new LookupOutcome.NotFound();
        if (!session.IsReleased(time.GetUtcNow())) return new LookupOutcome.NotReleased(session.NameZh, session.NameEn, session.ReleaseAt);

        var rows = await query.ByTicketAsync(session.Id, ticket, ct);
        var registration = rows.Find(r => r.SessionId == session.Id && r.TicketNumber == ticket);

        var matched = registration is not null && NameNormalizer.Matches(name, registration.Name);
        await guard.RecordAsync(attempt, matched, ct);
        if (!matched)
        {
            logger.LogInformation("Lookup by ticket in session {SessionId}: no match", session.Id);
            return new LookupOutcome.NotFound();
        }

        logger.LogInformation("Lookup by ticket in session {SessionId}: candidate {CandidateId} matched", session.Id, registration!.CandidateId);
        return await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
    }
}
