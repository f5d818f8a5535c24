using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Captcha;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;
using SkiaSharp;

namespace ScorePortal.Tests.Features.Captcha;

public sealed class CaptchaTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));

    private CaptchaService NewService(string? testAnswer = null) =>
        new(new ScorePortal.Security.KeyDerivation(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), _clock, Options.Create(new CaptchaOptions { TestAnswer = testAnswer }), new MemoryLimitsStore(_clock));

    [Fact]
    public async Task The_right_answer_passes_once_and_case_does_not_matter()
    {
        var captcha = NewService();
        var (token, _) = captcha.Issue();
        var answer = captcha.AnswerFor(token)!;

        Assert.Equal(CaptchaCheck.Passed, await captcha.VerifyAsync(token, $"  {answer.ToLowerInvariant()} "));
        Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, answer));
    }

    [Fact]
    public async Task A_wrong_answer_spends_the_token()
    {
        var captcha = NewService();
        var (token, _) = captcha.Issue();
        var answer = captcha.AnswerFor(token)!;

        Assert.Equal(CaptchaCheck.Wrong, await captcha.VerifyAsync(token, answer == "ABCD" ? "EFGH" : "ABCD"));
        Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, answer));
    }

    [Fact]
    public async Task A_token_expires_after_a_minute()
    {
        var captcha = NewService();
        var (token, expires) = captcha.Issue();
        var answer = captcha.AnswerFor(token)!;

        _clock.Advance(TimeSpan.FromSeconds(61));

        Assert.True(expires < _clock.GetUtcNow());
        Assert.Null(captcha.AnswerFor(token));
        Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, answer));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("CfDJ8JP5pTjeimtLh0GeVRL7cAotVSR9HQOxmc2-oR4RG8oDeHZDFY9gLck8mZuAqAQJW0fKr2FTVG1nx8XS8echLPd2qz62A")]
    public async Task A_missing_or_forged_token_never_passes(string? token)
    {
        Assert.Equal(CaptchaCheck.Missing, await NewService(testAnswer: "TEST").VerifyAsync(token, "TEST"));
    }

    [Fact]
    public async Task An_altered_token_or_one_sealed_under_another_secret_never_passes()
    {
        var captcha = NewService(testAnswer: "TEST");
        var (token, _) = captcha.Issue();
        var middle = token.Length / 2;
        var altered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];
        var (foreign, _) = NewService(testAnswer: "TEST").Issue();

        Assert.Equal(CaptchaCheck.Missing, await captcha.VerifyAsync(altered, "TEST"));
        Assert.Equal(CaptchaCheck.Missing, await captcha.VerifyAsync(foreign, "TEST"));
        Assert.Null(captcha.AnswerFor(foreign));
        Assert.Equal(CaptchaCheck.Passed, await captcha.VerifyAsync(token, "TEST"));
    }

    [Fact]
    public async Task The_test_answer_passes_through_the_real_check()
    {
        var captcha = NewService(testAnswer: "test");
        var (token, _) = captcha.Issue();

        Assert.Equal(CaptchaCheck.Passed, await captcha.VerifyAsync(token, "TEST"));
        Assert.Equal(CaptchaCheck.Expired, await captcha.VerifyAsync(token, "TEST"));
    }

    [Fact]
    public async Task The_portal_serves_a_fresh_challenge_and_its_image()
    {
        using var client = portal.CreateClient();

        var challenge = await client.GetFromJsonAsync<CaptchaExtensions.CaptchaChallenge>("/captcha/new");
        using var image = await client.GetAsync(challenge!.Image);

        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal(CaptchaImage.ContentType, image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", image.Headers.CacheControl?.ToString());
        var bytes = await image.Content.ReadAsByteArrayAsync();
        // Most of a release-day visit's bytes: a 16-gray BMP of about 3 KB (its writing costs nothing; a JPEG cost more to encode than to draw).
        Assert.True(bytes.Length < 3500, $"the captcha picture weighs {bytes.Length} bytes");
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.Equal(CaptchaImage.Width, bitmap.Width);
        Assert.Equal(CaptchaImage.Height, bitmap.Height);
    }

    [Fact]
    public async Task An_expired_or_forged_image_request_gets_a_404()
    {
        using var client = portal.CreateClient();

        using var response = await client.GetAsync("/captcha/image?t=forged");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
