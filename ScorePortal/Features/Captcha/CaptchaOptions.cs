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
}
