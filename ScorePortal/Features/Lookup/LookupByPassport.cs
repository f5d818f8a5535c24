using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;

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

public sealed class LookupByPassport(ResultQuery query, BlindIndex blindIndex, LookupFlow flow)
{
    private static readonly ResultOutcome UnknownSession = new ResultOutcome.Invalid(["Lookup.Error.SessionUnknown"]);

    public async Task<ResultOutcome> HandleAsync(LookupByPassportRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var passport, out var email);
        if (errors.Count > 0) return new ResultOutcome.Invalid(errors);

        var index = blindIndex.Compute(IdType.Passport, passport);
        var attempt = new LookupAttempt("passport", Convert.ToHexString(index), request.CaptchaToken, request.CaptchaAnswer);
        return await flow.RunAsync(attempt, request.SessionCode, UnknownSession,
            (_, token) => query.ByIdNumberAsync(IdType.Passport, index, token),
            registration => CandidateIdentity.SameEmail(registration.Email, email), ct);
    }
}
