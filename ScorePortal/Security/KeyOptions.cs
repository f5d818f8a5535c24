namespace ScorePortal.Security;

/// <summary>Secret keys of the portal. In Production each comes from configuration (environment or a key file).</summary>
public sealed class KeyOptions
{
    public const string Section = "Security";

    /// <summary>Base64 of at least 32 random bytes: the HMAC key of the ID-number blind index.</summary>
    public string? BlindIndexKey { get; set; }

    /// <summary>Where Development and Testing keep the keys they generate for themselves (never committed).</summary>
    public string KeyDirectory { get; set; } = "App_Data/keys";
}
