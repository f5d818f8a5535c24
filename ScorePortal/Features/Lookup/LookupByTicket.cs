using ScorePortal.Features.Results;
using ScorePortal.Model;

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

public sealed class LookupByTicket(ResultQuery query, LookupFlow flow)
{
    // An unknown session prefix is a mistyped ticket, not a missing candidate: the same answer as no match.
    private static readonly ResultOutcome UnknownSession = new ResultOutcome.NotFound();

    public async Task<ResultOutcome> HandleAsync(LookupByTicketRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var ticket, out var name);
        if (errors.Count > 0) return new ResultOutcome.Invalid(errors);

        var attempt = new LookupAttempt("ticket", ticket, request.CaptchaToken, request.CaptchaAnswer);
        return await flow.RunAsync(attempt, LookupByTicketRequest.SessionCodeOf(ticket), UnknownSession,
            (session, token) => query.ByTicketAsync(session.Id, ticket, token),
            // &, not &&: the name is compared whatever the ticket, so a miss costs what a hit costs.
            registration => NameNormalizer.Matches(name, registration.Name) & registration.TicketNumber == ticket, ct);
    }
}
