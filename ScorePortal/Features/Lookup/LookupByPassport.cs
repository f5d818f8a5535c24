using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Candidates;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// Lookup for overseas candidates: exam session + passport number + the email registered with the exam center.
/// The email plays the part the name plays for resident IDs (names in Latin script are written too many ways).
/// </summary>
public sealed record LookupByPassportRequest(string? SessionCode, string? PassportNumber, string? Email,
    string? CaptchaToken = null, string? CaptchaAnswer = null)
{
    public IReadOnlyList<string> Validate(out string passport, out string email)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SessionCode)) errors.Add("Lookup.Error.SessionRequired");
        else if (SessionCode.Length > 16) errors.Add("Lookup.Error.SessionUnknown");

        passport = "";
        if (string.IsNullOrWhiteSpace(PassportNumber)) errors.Add("Lookup.Error.IdNumberRequired");
        else if (CandidateIdentity.IdNumberError(IdType.Passport, PassportNumber, out passport) is { } problem) errors.Add(problem);

        email = CandidateIdentity.NormalizeEmail(Email);
        if (email.Length == 0) errors.Add("Lookup.Error.EmailRequired");
        else if (!CandidateIdentity.IsEmail(email)) errors.Add("Lookup.Error.EmailFormat");
        return errors;
    }
}

public sealed class LookupByPassport(
    LookupQuery query, ScorePortal.Features.Sessions.SessionCatalog sessions, LookupCatalog catalog, BlindIndex blindIndex,
    TimeProvider time, ILookupGuard guard, ILogger<LookupByPassport> logger)
{
    public async Task<LookupOutcome> HandleAsync(LookupByPassportRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var passport, out var email);
        if (errors.Count > 0) return new LookupOutcome.Invalid(errors);

        var index = blindIndex.Compute(IdType.Passport, passport);
        var attempt = new LookupAttempt("passport", Convert.ToHexString(index), request.CaptchaToken, request.CaptchaAnswer);
        if (await guard.CheckAsync(attempt, ct) is { } refusal) return new LookupOutcome.Refused(refusal);

        var session = await sessions.ByCodeAsync(request.SessionCode, ct);
        if (session is null) return new LookupOutcome.Invalid(["Lookup.Error.SessionUnknown"]);
        if (!session.IsReleased(time.GetUtcNow())) return new LookupOutcome.NotReleased(session.NameZh, session.NameEn, session.ReleaseAt);

        var rows = await query.ByIdNumberAsync(IdType.Passport, index, ct);

        // Unknown passport, another email and no registration in the session are one and the same answer.
        var registration = rows.Find(r => r.SessionId == session.Id);
        var matched = registration is not null && CandidateIdentity.SameEmail(registration.Email, email);
        await guard.RecordAsync(attempt, matched, ct);
        if (!matched)
        {
            logger.LogInformation("Overseas lookup in session {SessionId}: no match", session.Id);
            return new LookupOutcome.NotFound();
        }
        logger.LogInformation("Overseas lookup in session {SessionId}: candidate {CandidateId} matched", session.Id, registration!.CandidateId);
        return await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
    }
}
