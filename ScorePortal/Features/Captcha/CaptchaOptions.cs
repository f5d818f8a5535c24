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
    /// refreshes them about once a minute; a few people behind one network address stay far below this.
    /// </summary>
    public int ImagesPerAddressPerMinute { get; set; } = 60;

    /// <summary>Fresh challenges (<c>/captcha/new</c>) one address may ask for per minute (0 = no limit).</summary>
    public int NewPerAddressPerMinute { get; set; } = 30;

    /// <summary>Pictures kept in memory, one per live token, so that a token is drawn once however often it is fetched.</summary>
    public int CachedImages { get; set; } = 20_000;
}
