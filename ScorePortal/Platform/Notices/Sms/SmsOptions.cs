namespace ScorePortal.Platform.Notices.Sms;

/// <summary>Which adapter sends SMS: <see cref="Off"/> (the default), <see cref="Http"/> (a gateway over HTTPS, any environment), <see cref="Folder"/> (development).</summary>
public enum SmsAdapter
{
    /// <summary>No SMS at all: the inbound callback answers 404 and nothing is sent (the default; Production's only choice today).</summary>
    Off,

    /// <summary>Development and Testing only: messages are written as files to <see cref="SmsOptions.Folder"/> and shown at /dev/sms.</summary>
    Folder,

    /// <summary>
    /// A generic HTTP gateway (a provider's relay or its own HTTP API): each message is POSTed as JSON to
    /// <see cref="SmsHttpOptions.Url"/> with the bearer token <see cref="SmsHttpOptions.Token"/> (docs/sms.md).
    /// </summary>
    Http,
}

/// <summary>Settings under <c>Sms:Http:</c>, used when <see cref="SmsOptions.Adapter"/> is <see cref="SmsAdapter.Http"/>.</summary>
public sealed class SmsHttpOptions
{
    /// <summary>The shortest bearer token accepted.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Where each message is POSTed: https:// (plain http only to a relay on loopback in Production).</summary>
    public Uri? Url { get; set; }

    /// <summary>The gateway's bearer token (a secret: environment or key file, never a settings file in the repository).</summary>
    public string? Token { get; set; }

    /// <summary>How long one POST may take, connection included; longer is a failed attempt, retried by the outbox.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    internal bool IsValid() =>
        Url is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && Token is { Length: >= MinTokenLength } && !Token.Any(char.IsWhiteSpace)
        && Timeout >= TimeSpan.FromSeconds(1) && Timeout <= TimeSpan.FromMinutes(1);
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

    /// <summary>The HTTP gateway's address, token and timeout (<see cref="SmsAdapter.Http"/> only).</summary>
    public SmsHttpOptions Http { get; set; } = new();

    public bool Enabled => Adapter != SmsAdapter.Off;

    internal static bool IsValid(SmsOptions o) =>
        Enum.IsDefined(o.Adapter)
        && (!o.Enabled || o.CallbackSecret is { Length: >= MinSecretLength })
        && o.CallbackWindow >= TimeSpan.FromSeconds(30) && o.CallbackWindow <= TimeSpan.FromMinutes(15)
        && o.PerNumberPerDay >= 1 && o.DailyCap >= 1
        && !string.IsNullOrWhiteSpace(o.Folder)
        && (o.Adapter != SmsAdapter.Http || o.Http.IsValid());
}
