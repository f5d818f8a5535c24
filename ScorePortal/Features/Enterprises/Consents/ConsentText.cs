namespace ScorePortal.Features.Enterprises.Consents;

/// <summary>Where a consent stands for the candidate.</summary>
public enum ConsentStatus
{
    Active,
    Expired,
    Revoked,
}

/// <summary>The resource keys of what the consent pages say about statuses, fields and API outcomes.</summary>
public static class ConsentText
{
    public static ConsentStatus StatusOf(Consent consent, DateTimeOffset now) => StatusOf(consent.RevokedAt, consent.ExpiresAt, now);

    public static ConsentStatus StatusOf(DateTimeOffset? revokedAt, DateTimeOffset expiresAt, DateTimeOffset now) =>
        revokedAt is not null ? ConsentStatus.Revoked : now < expiresAt ? ConsentStatus.Active : ConsentStatus.Expired;

    public static string StatusKey(ConsentStatus status) => "Consents.Status." + status;

    /// <summary>A field's name as the candidate reads it (<see cref="ConsentFields"/>); an unknown one keeps its API name.</summary>
    public static string? FieldKey(string field) => ConsentFields.All.Contains(field) ? "Consents.Field." + field : null;

    /// <summary>What a field holds, said before the candidate agrees.</summary>
    public static string FieldHelpKey(string field) => "Consents.FieldHelp." + field;

    /// <summary>The API outcomes "who looked" explains; any other code is shown as a generic refusal with its code.</summary>
    public static readonly IReadOnlySet<string> KnownOutcomes = new HashSet<string>(StringComparer.Ordinal)
    {
        "success", "unknown_employee", "no_consent", "consent_expired", "no_result", "unknown_exam_type", "invalid_key",
        "address_not_allowed", "rate_limited", "quota_exhausted", "invalid_request",
    };

    public static string? OutcomeKey(string outcome) => KnownOutcomes.Contains(outcome) ? "Consents.Outcome." + outcome : null;

    public static IEnumerable<string> FieldsOf(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
