using ScorePortal.Features.Candidates;

namespace ScorePortal.Features.Lookup;

/// <summary>Lookup by exam session + ID document + name (the main channel).</summary>
public sealed record LookupByIdRequest(string? SessionCode, IdType? IdType, string? IdNumber, string? Name,
    string? CaptchaToken = null, string? CaptchaAnswer = null)
{
    /// <summary>Resource keys of what to fix; empty when valid. Says nothing about whether a number exists.</summary>
    public IReadOnlyList<string> Validate(out string normalizedId, out string normalizedName)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SessionCode)) errors.Add("Lookup.Error.SessionRequired");
        else if (SessionCode.Length > 16) errors.Add("Lookup.Error.SessionUnknown");

        normalizedId = "";
        if (IdType is not { } type || !Enum.IsDefined(type)) errors.Add("Lookup.Error.IdTypeRequired");
        else if (string.IsNullOrWhiteSpace(IdNumber)) errors.Add("Lookup.Error.IdNumberRequired");
        else if (CandidateIdentity.IdNumberError(type, IdNumber, out normalizedId) is { } problem) errors.Add(problem);

        if (CandidateIdentity.NameError(Name, out normalizedName) is { } nameProblem) errors.Add(nameProblem);
        return errors;
    }
}

public sealed class LookupById(LookupQuery query, BlindIndex blindIndex, LookupFlow flow)
{
    private static readonly LookupOutcome UnknownSession = new LookupOutcome.Invalid(["Lookup.Error.SessionUnknown"]);

    public async Task<LookupOutcome> HandleAsync(LookupByIdRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var idNumber, out var name);
        if (errors.Count > 0) return new LookupOutcome.Invalid(errors);

        var type = request.IdType!.Value;
        var index = blindIndex.Compute(type, idNumber);
        var attempt = new LookupAttempt("id", Convert.ToHexString(index), request.CaptchaToken, request.CaptchaAnswer,
            type == Candidates.IdType.ResidentId ? idNumber[..2] : null);
        return await flow.RunAsync(attempt, request.SessionCode, UnknownSession,
            (_, token) => query.ByIdNumberAsync(type, index, token),
            registration => NameNormalizer.Matches(name, registration.Name), ct);
    }
}
