using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
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
            .Validate(o => o.ImagesPerAddressPerMinute >= 0 && o.NewPerAddressPerMinute >= 0 && o.CachedImages > 0,
                "Captcha:ImagesPerAddressPerMinute and NewPerAddressPerMinute cannot be negative; Captcha:CachedImages must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<CaptchaService>();
        builder.Services.AddSingleton<CaptchaImage>();
        builder.Services.AddSingleton<CaptchaImageCache>();
        builder.Services.AddSingleton<InlineCaptcha>();
        builder.Services.AddSingleton<CaptchaAudio>();

        var options = builder.Configuration.ReadWhileBuilding<CaptchaOptions>(CaptchaOptions.Section);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ImagePolicy, new PerAddressPolicy(options.ImagesPerAddressPerMinute, ImagePolicy));
            limiter.AddPolicy(NewPolicy, new PerAddressPolicy(options.NewPerAddressPerMinute, NewPolicy));
        });
        return builder;
    }

    /// <summary>Pictures and audio of a challenge, per client address (<see cref="ClientAddress"/>).</summary>
    public const string ImagePolicy = "captcha-images";

    /// <summary>Fresh challenges, per client address.</summary>
    public const string NewPolicy = "captcha-new";

    /// <summary>
    /// A sliding minute per client address. A refusal is a bare 429 with Retry-After: the status page is not drawn for a
    /// request that is an image or a script's call, and drawing it would feed a flood.
    /// </summary>
    private sealed class PerAddressPolicy(int permitsPerMinute, string name) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (rejected, _) =>
        {
            var context = rejected.HttpContext;
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "60";
            context.Response.Headers.CacheControl = "no-store";
            return ValueTask.CompletedTask;
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            LimitPartitions.PerAddressPerMinute(httpContext, permitsPerMinute, name);
    }

    public static WebApplication MapCaptcha(this WebApplication app)
    {
        var group = app.MapGroup("/captcha").AllowAnonymous();

        // A fresh challenge for the page's refresh button and its timer (the token expires after a minute).
        group.MapGet("/new", (CaptchaService captcha) =>
        {
            var (token, expires) = captcha.Issue();
            return TypedResults.Json(new CaptchaChallenge(token, ImageUrl(token), AudioUrl(token), expires));
        }).RequireRateLimiting(NewPolicy);

        // Drawn once per token (CaptchaImageCache): asking again for the same token costs a cache read, not a drawing.
        group.MapGet("/image", (string? t, CaptchaService captcha, CaptchaImageCache images, HttpContext context, PortalMetrics metrics) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var challenge = captcha.ChallengeFor(t);
            metrics.CaptchaImage(served: challenge is not null);
            // A token whose picture was drawn into its page (InlineCaptcha) gets no second drawing here.
            return challenge is null || challenge.DrawnInPage
                ? Microsoft.AspNetCore.Http.Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Captcha expired")
                : Microsoft.AspNetCore.Http.Results.File(images.PictureOf(challenge), CaptchaImage.ContentType);
        }).RequireRateLimiting(ImagePolicy);

        // The same challenge spoken: the same token, its expiry and the same limits as the image (the per-address picture
        // limit, the address block and the busy gate cover /captcha), so listening gives no extra tries. The URL and headers carry only the sealed token, never the answer.
        group.MapGet("/audio", (string? t, CaptchaService captcha, CaptchaAudio audio, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var answer = audio.IsAvailable ? captcha.AnswerFor(t) : null;
            return answer is null
                ? Microsoft.AspNetCore.Http.Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Captcha expired")
                : Microsoft.AspNetCore.Http.Results.File(audio.Render(answer, System.Globalization.CultureInfo.CurrentUICulture), "audio/wav");
        }).RequireRateLimiting(ImagePolicy);
        return app;
    }

    public static string ImageUrl(string token) => $"/captcha/image?t={token}";

    public static string AudioUrl(string token) => $"/captcha/audio?t={token}";

    public sealed record CaptchaChallenge(string Token, string Image, string Audio, DateTimeOffset ExpiresAt);
}
