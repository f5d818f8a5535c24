namespace ScorePortal.Account.Passkeys;

/// <summary>What a passkey form posts (wwwroot/js/passkey.js): the browser's answer as JSON, or the name of its error.</summary>
public sealed class PasskeyInput
{
    public string? CredentialJson { get; set; }

    public string? Error { get; set; }

    /// <summary>The browser gave an answer to check (a credential and no error).</summary>
    public bool HasCredential => string.IsNullOrEmpty(Error) && !string.IsNullOrWhiteSpace(CredentialJson);

    /// <summary>The resource key of the message for the browser's error (or for no answer at all).</summary>
    public string ErrorKey => Error switch
    {
        "NotAllowedError" or "AbortError" => "Passkeys.Error.Cancelled",
        "NotSupportedError" or "SecurityError" => "Passkeys.Error.Unsupported",
        "InvalidStateError" => "Passkeys.Error.AlreadyAdded",
        _ => "Passkeys.Error.Failed",
    };
}
