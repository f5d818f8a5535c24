namespace ScorePortal.Security;

/// <summary>Secret keys of the portal. In Production each comes from configuration (environment or a key file).</summary>
public sealed class KeyOptions
{
    public const string Section = "Security";

    /// <summary>Base64 of at least 32 random bytes: the HMAC key of the ID-number blind index.</summary>
    public string? BlindIndexKey { get; set; }

    /// <summary>
    /// Base64 of at least 32 random bytes: the root the captcha and address-hash keys are derived from
    /// (<see cref="KeyDerivation"/>). Separate from <see cref="BlindIndexKey"/> so that it can be rotated freely.
    /// </summary>
    public string? DerivationKey { get; set; }

    /// <summary>
    /// Base64 of at least 32 random bytes: seals the ASP.NET Data Protection key ring (sign-in, antiforgery and step-up
    /// cookies) stored in the database (<see cref="DataProtectionKeyRing"/>). Every instance needs the same value.
    /// </summary>
    public string? DataProtectionKey { get; set; }

    /// <summary>
    /// The field-encryption key ring: key id → base64 of 32 random bytes. Old keys stay listed until
    /// <c>rotate-keys</c> has re-encrypted every value with the current one.
    /// </summary>
    public Dictionary<string, string> EncryptionKeys { get; set; } = [];

    /// <summary>
    /// The key new values are encrypted with. Required when <see cref="EncryptionKeys"/> holds more than one key
    /// (start-up refuses otherwise); never guessed from the ids.
    /// </summary>
    public string? CurrentEncryptionKeyId { get; set; }

    /// <summary>
    /// Whether encrypted values written before they were bound to their row (by a portal older than row binding) still
    /// open. Off by default: a database made by this version holds none, and an old value copied from another row must
    /// not pass. Set it only between upgrading an older database and running <c>rotate-keys</c>, which rewrites them.
    /// </summary>
    public bool AcceptUnboundFieldValues { get; set; }

    /// <summary>
    /// The JSON file <c>generate-keys</c> writes, read as configuration at start-up (Production). Settings given as
    /// environment variables or on the command line still take precedence over it.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>Where Development and Testing keep the keys they generate for themselves (never committed).</summary>
    public string KeyDirectory { get; set; } = "App_Data/keys";
}
