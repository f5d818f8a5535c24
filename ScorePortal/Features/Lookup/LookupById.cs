using ScorePortal.Features.Results;
using ScorePortal.Model;
using ScorePortal.Security;

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

public sealed class LookupById(ResultQuery query, BlindIndex blindIndex, LookupFlow flow)
{
    private static readonly ResultOutcome UnknownSession = new ResultOutcome.Invalid(["Lookup.Error.SessionUnknown"]);

    public async Task<ResultOutcome> HandleAsync(LookupByIdRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var idNumber, out var name);
        if (errors.Count > 0) return new ResultOutcome.Invalid(errors);

        var type = request.IdType!.Value;
        var index = blindIndex.Compute(type, idNumber);
        var attempt = new LookupAttempt("id", Convert.ToHexString(index), request.CaptchaToken, request.CaptchaAnswer,
            type == ScorePortal.Model.IdType.ResidentId ? idNumber[..2] : null);
        return await flow.RunAsync(attempt, request.SessionCode, UnknownSession,
            (_, token) => query.ByIdNumberAsync(type, index, token),
            registration => NameNormalizer.Matches(name, registration.Name), ct);
    }
}
