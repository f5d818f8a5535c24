using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Candidates;

namespace ScorePortal.Features.Lookup;

/// <summary>Lookup by exam session + ID document + name (the main channel).</summary>
public sealed record LookupRequest(string? SessionCode, IdType? IdType, string? IdNumber, string? Name,
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
        else if (IdNumber.Length > 64) errors.Add(type == Candidates.IdType.Passport ? "Lookup.Error.PassportFormat" : "Lookup.Error.ResidentIdLength");
        else
        {
            normalizedId = BlindIndex.NormalizeIdNumber(type, IdNumber);
            if (IdNumberProblem(type, normalizedId) is { } problem) errors.Add(problem);
        }

        errors.AddRange(NameErrors(Name, out normalizedName));
        return errors;
    }

    internal static string? IdNumberProblem(IdType type, string id)
    {
        switch (type)
        {
            case Candidates.IdType.Passport:
                return id.Length is >= 5 and <= 20 && id.All(char.IsAsciiLetterOrDigit) ? null : "Lookup.Error.PassportFormat";
            case Candidates.IdType.HkMacaoTaiwanPermit:
                if (id.Length != 18 || !(id.StartsWith("81") || id.StartsWith("82") || id.StartsWith("83"))) return "Lookup.Error.PermitFormat";
                goto default;
            default:
                if (id.Length != 18 || !id.Take(17).All(char.IsAsciiDigit) || !(char.IsAsciiDigit(id[17]) || id[17] == 'X'))
                    return "Lookup.Error.ResidentIdLength";
                if (!BirthDateIsValid(id))
                    return "Lookup.Error.ResidentIdBirthDate";
                return ResidentIdNumber.IsValid(id) ? null : "Lookup.Error.ResidentIdCheckDigit";
        }
    }

    private static bool BirthDateIsValid(string id) =>
        DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var birth) && birth.Year >= 1900;

    internal static IEnumerable<string> NameErrors(string? name, out string normalizedName) =>
        NameNormalizer.TryNormalize(name, out normalizedName) switch
        {
            NameProblem.None => [],
            NameProblem.Empty => ["Lookup.Error.NameRequired"],
            NameProblem.TooLong => ["Lookup.Error.NameTooLong"],
            NameProblem.InvalidEscape => ["Lookup.Error.NameEscape"],
            _ => ["Lookup.Error.NameCharacter"],
        };
}

public sealed class LookupHandler(
    LookupQuery query, ScorePortal.Features.Sessions.SessionCatalog sessions, LookupCatalog catalog, BlindIndex blindIndex,
    TimeProvider time, ILookupGuard guard, ILogger<LookupHandler> logger)
{
    public async Task<LookupOutcome> HandleAsync(LookupRequest request, CancellationToken ct = default)
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
