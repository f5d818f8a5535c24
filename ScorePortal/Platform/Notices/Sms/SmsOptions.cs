namespace ScorePortal.Platform.Notices.Sms;

/// <summary>Which adapter sends SMS. Only <see cref="Off"/> exists outside Development and Testing until a provider's adapter is added.</summary>
public enum SmsAdapter
{
    /// <summary>No SMS at all: the inbound callback answers 404 and nothing is sent (the default; Production's only choice today).</summary>
    Off,

    /// <summary>Development and Testing only: messages are written as files to <see cref="SmsOptions.Folder"/> and shown at /dev/sms.</summary>
    Folder,
}

/// <summary>Settings under <c>Sms:</c> (docs/sms.md, docs/configuration.md).</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    /// <summary>The smallest callback secret accepted: 32 characters (e.g. 32 random bytes in base64 are 44).</summary>
    public const int MinSecretLength = 32;

    public SmsAdapter Adapter { get; set; } = SmsAdapter.Off;

    /// <summary>The shared secret the gateway signs callbacks with (HMAC-SHA256); required whenever SMS is on.</summary>
    public string? CallbackSecret { get; set; }

    /// <summary>How far a callback's timestamp may be from the portal's clock, either way; a callback outside is refused as stale.</summary>
    public TimeSpan CallbackWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Folder adapter's directory (relative to the content root unless absolute).</summary>
    public string Folder { get; set; } = "App_Data/sms-outbox";

    /// <summary>Messages one sender number may send a day (China time) and be answered; later ones are not answered.</summary>
    public int PerNumberPerDay { get; set; } = 5;

    /// <summary>Replies sent by the whole portal a day (China time), shared by every instance: the bill's ceiling.</summary>
    public int DailyCap { get; set; } = 20_000;

    public bool Enabled => Adapter != SmsAdapter.Off;

    internal static bool IsValid(SmsOptions o) =>
        Enum.IsDefined(o.Adapter)
        && (!o.Enabled || o.CallbackSecret is { Length: >= MinSecretLength })
        && o.CallbackWindow >= TimeSpan.FromSeconds(30) && o.CallbackWindow <= TimeSpan.FromMinutes(15)
        && o.PerNumberPerDay >= 1 && o.DailyCap >= 1
        && !string.IsNullOrWhiteSpace(o.Folder);
}
