namespace ScorePortal.Features.Lookup;

/// <summary>
/// The checks a lookup passes after its input is valid and before any query runs: captcha, rate limits and
/// lockout go here, so that a refused request costs no database work.
/// </summary>
public interface ILookupGuard
{
    /// <summary>Null to let the lookup proceed, or why it is refused.</summary>
    ValueTask<LookupRefusal?> CheckAsync(LookupAttempt attempt, CancellationToken cancellationToken);

    /// <summary>Told the outcome (matched or not), e.g. to count wrong names per ID for a lockout.</summary>
    ValueTask RecordAsync(LookupAttempt attempt, bool matched, CancellationToken cancellationToken);
}

/// <summary>Why a lookup is refused: a resource key, and the wait in seconds when there is one to tell ({0} in the text).</summary>
public sealed record LookupRefusal(string MessageKey, TimeSpan? RetryAfter = null)
{
    public static implicit operator LookupRefusal(string messageKey) => new(messageKey);
}

/// <summary>
/// What a guard may key on. <see cref="Key"/> is a blind index or ticket, never a plaintext ID number;
/// <see cref="ProvinceCode"/> is the first two digits of a resident ID (for the anomaly monitors).
/// </summary>
public sealed record LookupAttempt(string Channel, string Key, string? CaptchaToken, string? CaptchaAnswer, string? ProvinceCode = null);
