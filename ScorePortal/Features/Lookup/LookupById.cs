using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
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

public sealed class LookupById(
    LookupQuery query, ScorePortal.Features.Sessions.SessionCatalog sessions, LookupCatalog catalog, BlindIndex blindIndex,
    TimeProvider time, ILookupGuard guard, ILogger<LookupById> logger)
{
    public async Task<LookupOutcome> HandleAsync(LookupByIdRequest request, CancellationToken ct = default)
    {
        var errors = request.Validate(out var idNumber, out var name);
        if (errors.Count > 0) return new LookupOutcome.Invalid(errors);

        var type = request.IdType!.Value;
        var index = blindIndex.Compute(type, idNumber);
        var attempt = new LookupAttempt("id", Convert.ToHexString(index), request.CaptchaToken, request.CaptchaAnswer,
            type == Candidates.IdType.ResidentId ? idNumber[..2] : null);
        if (await guard.CheckAsync(attempt, ct) is { } refusal) return new LookupOutcome.Refused(refusal);

        var session = await sessions.ByCodeAsync(request.SessionCode, ct);
        if (session is null) return new LookupOutcome.Invalid(["Lookup.Error.SessionUnknown"]);
        // The release time is public: saying it costs nothing and reveals nothing about the candidate.
        if (!session.IsReleased(time.GetUtcNow())) return new LookupOutcome.NotReleased(session.NameZh, session.NameEn, session.ReleaseAt);

        var rows = await query.ByIdNumberAsync(type, index, ct);

        // No such candidate, a wrong name and no registration in the session are one and the same answer.
        var registration = rows.Find(r => r.SessionId == session.Id);
        var matched = registration is not null && NameNormalizer.Matches(name, registration.Name);
        await guard.RecordAsync(attempt, matched, ct);
        if (!matched)
        {
            logger.LogInformation("Lookup by ID in session {SessionId}: no match", session.Id);
            return new LookupOutcome.NotFound();
        }

        logger.LogInformation("Lookup by ID in session {SessionId}: candidate {CandidateId} matched", session.Id, registration!.CandidateId);
        return await ResultSheetBuilder.BuildAsync(rows, registration, catalog, sessions, ct);
    }
}
