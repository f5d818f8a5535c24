using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ScorePortal.Features.Captcha;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Captcha;

/// <summary>The captcha's spoken alternative (WCAG 1.1.1): clips espeak-ng recorded at build time, mixed per challenge.</summary>
public sealed class CaptchaAudioTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private static readonly CaptchaAudio Audio = new(NullLogger<CaptchaAudio>.Instance);

    /// <summary>CI installs espeak-ng (.ci/run), so the test build has the clips; a build without it offers no audio.</summary>
    [Fact]
    public void Every_character_of_the_alphabet_is_spoken_in_both_languages()
    {
        Assert.True(Audio.IsAvailable, "no captcha clips in the build output: is espeak-ng installed (apt-get install espeak-ng)?");
        foreach (var culture in new[] { "zh-CN", "en-US" })
            foreach (var c in CaptchaService.Alphabet)
                for (var variant = 0; variant < 3; variant++)
                {
                    var path = Path.Combine(AppContext.BaseDirectory, "captcha-audio", culture, $"{c}-{variant}.wav");
                    var pcm = CaptchaAudio.ReadPcm(File.ReadAllBytes(path));
                    // A spoken character lasts a few tenths of a second; an empty or broken clip would be silence.
                    Assert.True(pcm is { Length: > CaptchaAudio.SampleRate / 5 }, $"{path} is not a usable clip");
                }
    }

    [Fact]
    public void Without_clips_the_audio_is_not_offered()
    {
        var missing = new CaptchaAudio(Path.Combine(Path.GetTempPath(), "no-captcha-audio-" + Guid.NewGuid().ToString("N")), NullLogger<CaptchaAudio>.Instance);
        Assert.False(missing.IsAvailable);
    }

    [Fact]
    public void Two_renderings_of_one_answer_differ_and_each_is_clearly_audible()
    {
        var first = Audio.Render("7KQ3", CultureInfo.GetCultureInfo("zh-CN"));
        var second = Audio.Render("7KQ3", CultureInfo.GetCultureInfo("zh-CN"));
        Assert.NotEqual(first, second);

        var a = CaptchaAudio.ReadPcm(first)!;
        // Said twice with pauses: 4 to 12 seconds.
        Assert.InRange(a.Length / (double)CaptchaAudio.SampleRate, 4, 12);
        // Speech stands well above the noise floor: the loudest 20 ms windows are at least 10 times the quietest.
        var windows = a.Chunk(CaptchaAudio.SampleRate / 50).Select(w => Math.Sqrt(w.Average(s => (double)s * s))).Order().ToArray();
        Assert.True(windows[^5] > 10 * windows[5], $"speech {windows[^5]:F0} vs noise {windows[5]:F0}");
    }

    [Fact]
    public async Task The_audio_is_served_under_the_challenge_token_without_revealing_the_answer()
    {
        using var client = portal.CreateClient();
        var challenge = await client.GetFromJsonAsync<CaptchaExtensions.CaptchaChallenge>("/captcha/new");
        var answer = portal.Services.GetRequiredService<CaptchaService>().AnswerFor(challenge!.Token)!;

        using var response = await client.GetAsync(challenge.Audio);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Null(response.Content.Headers.ContentDisposition);
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value));
        Assert.DoesNotContain(answer, headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(answer, challenge.Audio, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(CaptchaAudio.ReadPcm(await response.Content.ReadAsByteArrayAsync()));

        // The answer's check spends the token: the audio goes with it, as the image does.
        Assert.Equal(CaptchaCheck.Passed, await portal.Services.GetRequiredService<CaptchaService>().VerifyAsync(challenge.Token, answer));
        using var forged = await client.GetAsync("/captcha/audio?t=forged");
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
    }

    /// <summary>Measured with sox, as a person would check it: loud enough, not clipped, and long enough to follow.</summary>
    [Fact]
    public async Task Sox_measures_a_listenable_recording()
    {
        var path = Path.Combine(Path.GetTempPath(), $"captcha-{Guid.NewGuid():N}.wav");
        await File.WriteAllBytesAsync(path, Audio.Render("A2W9", CultureInfo.GetCultureInfo("en-US")));
        try
        {
            using var sox = Process.Start(new ProcessStartInfo("sox", [path, "-n", "stat"]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("sox did not start (apt-get install sox)");
            var stat = await sox.StandardError.ReadToEndAsync();
            await sox.WaitForExitAsync();
            Assert.Equal(0, sox.ExitCode);
            double Value(string name) => double.Parse(stat.Split('\n').Single(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':')[1].Trim(), CultureInfo.InvariantCulture);
            Assert.InRange(Value("Maximum amplitude"), 0.5, 1.0);
            Assert.InRange(Value("RMS     amplitude"), 0.05, 0.5);
            Assert.InRange(Value("Length (seconds)"), 4, 12);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
