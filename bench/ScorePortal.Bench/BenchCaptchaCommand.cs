using System.Diagnostics;
using System.Globalization;
using ScorePortal.Features.Captcha;
using ScorePortal.Operations;

namespace ScorePortal.Bench;

/// <summary>
/// <c>bench-captcha --seconds 60 --parallel 2</c>: draws fresh captcha pictures for a fixed time, each as the portal
/// serves a new visitor's (a fresh single-use token, the token opened again as the image endpoint does, the picture
/// through <see cref="CaptchaImageCache"/>), and prints pictures/s per second of the run (so a slowdown shows), the
/// sustained rate, latency percentiles, the process's CPU per picture and its peak memory; then the spoken challenge
/// for a few seconds (bench/captcha/pictures.sh). Every picture is checked: an image of the right size, never the
/// bytes of another.
/// </summary>
public static class BenchCaptchaCommand
{
    public static readonly PortalCommand Command = new("bench-captcha",
        "Draw fresh captcha pictures for S seconds and print pictures/s, p50/p99, CPU per picture and peak memory: --seconds 60 --parallel P [--audio-seconds 5] [--out FILE]",
        RunAsync, CommandNeeds.Nothing);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var seconds = Math.Max(1, args.GetInt("seconds", 60));
        var audioSeconds = Math.Max(0, args.GetInt("audio-seconds", 5));
        var parallel = Math.Max(1, args.GetInt("parallel", Environment.ProcessorCount));
        var captcha = services.GetRequiredService<CaptchaService>();
        var images = services.GetRequiredService<CaptchaImageCache>();
        var audio = services.GetRequiredService<CaptchaAudio>();

        byte[] Fresh()
        {
            var (token, _) = captcha.Issue();
            var challenge = captcha.ChallengeFor(token) ?? throw new InvalidOperationException("a fresh token does not open");
            return images.PictureOf(challenge);
        }

        // Warm-up: JIT, fonts, glyphs.
        var sample = Fresh();
        for (var i = 0; i < 200; i++) Fresh();
        if (args.Get("out") is { } path) await File.WriteAllBytesAsync(path, sample);

        var perSecond = new long[seconds + 1];
        var latencies = new List<double>[parallel];
        long bytes = 0, errors = 0, repeated = 0;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, parallel).Select(w => Task.Factory.StartNew(() =>
        {
            var mine = latencies[w] = new List<double>(1 << 20);
            var previous = Array.Empty<byte>();
            while (clock.Elapsed < end)
            {
                var started = Stopwatch.GetTimestamp();
                var picture = Fresh();
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (picture.Length < 100) Interlocked.Increment(ref errors);
                if (picture.AsSpan().SequenceEqual(previous)) Interlocked.Increment(ref repeated);
                previous = picture;
                Interlocked.Add(ref bytes, picture.Length);
                Interlocked.Increment(ref perSecond[Math.Min(seconds, (int)clock.Elapsed.TotalSeconds)]);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        var rates = perSecond.Take(seconds).ToArray();
        output.WriteLine("per second: " + string.Join(' ', rates.Select(r => r.ToString(CultureInfo.InvariantCulture))));
        output.WriteLine(FormattableString.Invariant(
            $"RESULT pictures={all.Length} seconds={elapsed:F1} parallel={parallel} pictures_per_s={all.Length / elapsed:F0} slowest_second={rates.Min()} p50_ms={P(0.50):F3} p99_ms={P(0.99):F3} max_ms={all[^1]:F2} cpu_ms_per_picture={cpu / all.Length:F3} mean_bytes={bytes / Math.Max(1, all.Length)} errors={errors} repeated={repeated} peak_working_set_mb={process.PeakWorkingSet64 / 1024 / 1024}"));

        if (audioSeconds > 0 && audio.IsAvailable)
        {
            long clips = 0, audioBytes = 0;
            var audioEnd = TimeSpan.FromSeconds(audioSeconds);
            var audioClock = Stopwatch.StartNew();
            cpuBefore = process.TotalProcessorTime;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Factory.StartNew(() =>
            {
                while (audioClock.Elapsed < audioEnd)
                {
                    var (token, _) = captcha.Issue();
                    var wav = audio.Render(captcha.AnswerFor(token)!, CultureInfo.GetCultureInfo("zh-CN"));
                    Interlocked.Add(ref audioBytes, wav.Length);
                    Interlocked.Increment(ref clips);
                }
            }, TaskCreationOptions.LongRunning)));
            process.Refresh();
            output.WriteLine(FormattableString.Invariant(
                $"RESULT audio clips={clips} seconds={audioClock.Elapsed.TotalSeconds:F1} clips_per_s={clips / audioClock.Elapsed.TotalSeconds:F0} cpu_ms_per_clip={(process.TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, clips):F2} mean_bytes={audioBytes / Math.Max(1, clips)}"));
        }
        else if (audioSeconds > 0) output.WriteLine("RESULT audio unavailable (no clips: espeak-ng was missing at build time)");
        return errors == 0 && repeated == 0 ? 0 : 1;
    }
}
