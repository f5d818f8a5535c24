namespace ScorePortal.Features.Captcha;

public sealed class CaptchaOptions
{
    public const string Section = "Captcha";

    /// <summary>
    /// When set, every captcha also accepts this answer, so automated tests and benchmarks pass through the real
    /// verification path. Honored only in Development and Testing; start-up refuses it anywhere else.
    /// </summary>
    public string? TestAnswer { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    public int Length { get; set; } = 4;

    /// <summary>
    /// Captcha pictures and audio one address may fetch per minute (0 = no limit). A visitor's page shows one or two and
    /// refreshes them about once a minute; a release-minute rush of 100 candidates behind one NAT stays below this.
    /// </summary>
    public int ImagesPerAddressPerMinute { get; set; } = 400;

    /// <summary>
    /// Fresh challenges (<c>/captcha/new</c>, each open lookup page's refresh about once a minute) one address may ask
    /// for per minute (0 = no limit).
    /// </summary>
    public int NewPerAddressPerMinute { get; set; } = 300;

    /// <summary>Pictures kept in memory, one per live token, so that a token is drawn once however often it is fetched.</summary>
    public int CachedImages { get; set; } = 20_000;
}
