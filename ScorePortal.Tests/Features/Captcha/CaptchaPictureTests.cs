using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Features.Captcha;
using ScorePortal.Operations;
using ScorePortal.Platform.Limits;
using ScorePortal.Tests.Infrastructure;
using SkiaSharp;

namespace ScorePortal.Tests.Features.Captcha;

/// <summary>
/// The cheap captcha drawing of issue #22 (glyphs rasterized once, composed per picture): every picture is drawn for its
/// own token, so none is served to two visitors; the answers stay those of the cryptographic generator; concurrent
/// demand gets one distinct, readable picture per token. bench/captcha/pictures.sh measures the rate.
/// </summary>
public sealed class CaptchaPictureTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static CaptchaService NewService()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 23, 1, 0, 0, TimeSpan.Zero));
        return new(new ScorePortal.Security.KeyDerivation(RandomNumberGenerator.GetBytes(32)), clock,
            Options.Create(new CaptchaOptions()), new MemoryLimitsStore(clock));
    }

    [Fact]
    public void Every_character_is_rasterized_whole_at_every_size_and_angle()
    {
        var atlas = new CaptchaImage.GlyphAtlas(portal.Services.GetRequiredService<PortalFonts>().Bold);
        const int side = CaptchaImage.GlyphAtlas.Side;

        foreach (var c in CaptchaService.Alphabet)
            for (var size = 0; size < CaptchaImage.GlyphAtlas.Sizes.Length; size++)
                for (var angle = 0; angle < CaptchaImage.GlyphAtlas.Angles; angle++)
                {
                    var mask = atlas.Glyph(c, size, angle);
                    var ink = 0;
                    foreach (var coverage in mask) if (coverage > 128) ink++;
                    Assert.True(ink > 30, $"'{c}' size {size} angle {angle} has {ink} inked pixels");
                    // Nothing touches the mask's border: no glyph is clipped by its square.
                    for (var i = 0; i < side; i++)
                    {
                        Assert.Equal(0, mask[i]);
                        Assert.Equal(0, mask[(side - 1) * side + i]);
                        Assert.Equal(0, mask[i * side]);
                        Assert.Equal(0, mask[i * side + side - 1]);
                    }
                }
    }

    [Fact]
    public void No_two_fresh_challenges_share_a_token_id_or_a_picture()
    {
        var captcha = NewService();
        var image = portal.Services.GetRequiredService<CaptchaImage>();
        var ids = new HashSet<Guid>();
        var pictures = new HashSet<string>();

        for (var i = 0; i < 2000; i++)
        {
            var challenge = captcha.ChallengeFor(captcha.Issue().Token)!;
            Assert.True(ids.Add(challenge.Id), "a token id was issued twice");
            Assert.True(pictures.Add(Convert.ToHexString(SHA256.HashData(image.Render(challenge.Answer)))), "a picture was drawn twice");
        }
    }

    [Fact]
    public void The_same_answer_is_never_drawn_the_same_way_twice()
    {
        var image = portal.Services.GetRequiredService<CaptchaImage>();

        var drawings = Enumerable.Range(0, 200).Select(_ => Convert.ToHexString(SHA256.HashData(image.Render("ABCD")))).ToHashSet();

        Assert.Equal(200, drawings.Count);
    }

    [Fact]
    public void Answers_stay_uniform_over_the_alphabet_at_every_position()
    {
        // 62,000 answers: each of the 31 characters expected 2,000 times per position. A chi-square over 30 degrees of
        // freedom above 90 has a probability below 1e-7 for a uniform generator: a failure means a biased answer.
        var captcha = NewService();
        var length = captcha.Options.Length;
        var counts = new int[length, 128];
        const int n = 62_000;
        for (var i = 0; i < n; i++)
        {
            var answer = captcha.AnswerFor(captcha.Issue().Token)!;
            Assert.Equal(length, answer.Length);
            for (var p = 0; p < length; p++)
            {
                Assert.Contains(answer[p], CaptchaService.Alphabet);
                counts[p, answer[p]]++;
            }
        }

        var expected = (double)n / CaptchaService.Alphabet.Length;
        for (var p = 0; p < length; p++)
        {
            var chiSquare = CaptchaService.Alphabet.Sum(c => Math.Pow(counts[p, c] - expected, 2) / expected);
            Assert.True(chiSquare < 90, $"position {p}: chi-square {chiSquare:F1} over 30 degrees of freedom");
        }
    }

    [Fact]
    public async Task Concurrent_visitors_each_get_their_own_readable_picture()
    {
        await using var factory = PortalFactory.With(new Dictionary<string, string?>
        {
            ["Captcha:ImagesPerAddressPerMinute"] = "0",
            ["Captcha:NewPerAddressPerMinute"] = "0",
        });
        using var http = factory.CreateClient();
        var pictures = new ConcurrentDictionary<string, string>();

        // Eight at a time: the busy gate's challenge slots (BusyGate:ChallengeMaxConcurrent 8) never queue them.
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, cancel) =>
        {
            var challenge = (await http.GetFromJsonAsync<CaptchaExtensions.CaptchaChallenge>("/captcha/new", cancel))!;
            using var response = await http.GetAsync(challenge.Image, cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(CaptchaImage.ContentType, response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancel);
            using var bitmap = SKBitmap.Decode(bytes);
            Assert.Equal((CaptchaImage.Width, CaptchaImage.Height), (bitmap.Width, bitmap.Height));
            Assert.True(pictures.TryAdd(Convert.ToHexString(SHA256.HashData(bytes)), challenge.Token), "two visitors got the same picture");
        });

        Assert.Equal(200, pictures.Count);
    }

    [Fact]
    public async Task Concurrent_first_requests_for_one_token_share_its_single_drawing()
    {
        using var http = portal.CreateClient();
        var challenge = (await http.GetFromJsonAsync<CaptchaExtensions.CaptchaChallenge>("/captcha/new"))!;

        var copies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => http.GetByteArrayAsync(challenge.Image)));

        Assert.All(copies, copy => Assert.Equal(copies[0], copy));
    }

    [Fact]
    public void A_picture_shows_dark_glyphs_on_the_light_background()
    {
        var image = portal.Services.GetRequiredService<CaptchaImage>();

        using var bitmap = SKBitmap.Decode(image.Render("WXYZ"));

        // The glyphs (channels 20-110, full coverage at their strokes) must stand out: enough dark pixels in each quarter.
        var quarter = CaptchaImage.Width / 4;
        for (var q = 0; q < 4; q++)
        {
            var dark = 0;
            for (var x = q * quarter; x < (q + 1) * quarter; x++)
                for (var y = 0; y < CaptchaImage.Height; y++)
                {
                    var pixel = bitmap.GetPixel(x, y);
                    if (pixel.Red + pixel.Green + pixel.Blue < 3 * 130) dark++;
                }
            Assert.True(dark > 40, $"quarter {q} has {dark} dark pixels");
        }
    }
}
