using ScorePortal.Operations;

namespace ScorePortal.Features.Captcha;

public static class CaptchaExtensions
{
    public static WebApplicationBuilder AddCaptcha(this WebApplicationBuilder builder)
    {
        var testAnswerAllowed = builder.Environment.IsDevelopmentOrTesting();
        builder.Services.AddOptions<CaptchaOptions>().BindConfiguration(CaptchaOptions.Section)
            .Validate(o => testAnswerAllowed || string.IsNullOrEmpty(o.TestAnswer),
                "Captcha:TestAnswer is honored only in Development and Testing; remove it from this environment's configuration.")
            .Validate(o => o.Length is >= 4 and <= 8 && o.Lifetime > TimeSpan.Zero, "Captcha:Length must be 4-8 and Captcha:Lifetime positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CaptchaService>();
        builder.Services.AddSingleton<CaptchaImage>();
        builder.Services.AddSingleton<CaptchaAudio>();
        return builder;
    }

    public static WebApplication MapCaptcha(this WebApplication app)
    {
        var group = app.MapGroup("/captcha").AllowAnonymous();

        // A fresh challenge for the page's refresh button and its timer (the token expires after a minute).
        group.MapGet("/new", (CaptchaService captcha) =>
        {
            var (token, expires) = captcha.Issue();
            return TypedResults.Json(new CaptchaChallenge(token, ImageUrl(token), AudioUrl(token), expires));
        });

        group.MapGet("/image", (string? t, CaptchaService captcha, CaptchaImage image, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var answer = captcha.AnswerFor(t);
            return answer is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Captcha expired")
                : Results.File(image.Render(answer), "image/png");
        });

        // The same challenge spoken: the same token, its expiry and the same limits as the image (the address block covers
        // /captcha), so listening gives no extra tries. The URL and headers carry only the sealed token, never the answer.
        group.MapGet("/audio", (string? t, CaptchaService captcha, CaptchaAudio audio, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var answer = audio.IsAvailable ? captcha.AnswerFor(t) : null;
            return answer is null
                ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Captcha expired")
                : Results.File(audio.Render(answer, System.Globalization.CultureInfo.CurrentUICulture), "audio/wav");
        });
        return app;
    }

    public static string ImageUrl(string token) => $"/captcha/image?t={token}";

    public static string AudioUrl(string token) => $"/captcha/audio?t={token}";

    public sealed record CaptchaChallenge(string Token, string Image, string Audio, DateTimeOffset ExpiresAt);
}
