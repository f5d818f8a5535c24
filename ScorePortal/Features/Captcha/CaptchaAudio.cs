using System.Buffers.Binary;
using System.Globalization;
using ScorePortal.Localization;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// The captcha's second modality (WCAG 1.1.1): the answer spoken character by character, in Chinese or English, mixed
/// from clips espeak-ng recorded at build time (Features/Captcha/captcha-audio.sh). Each challenge differs from the
/// last: a random voice per character, random gain, a slight change of speed, random pauses and background noise, so
/// that the file cannot be matched against the clips byte for byte; it is said twice, as a person reading it out would.
/// Unavailable (no link offered, the endpoint answers 404) when the build had no espeak-ng.
/// </summary>
public sealed class CaptchaAudio
{
    public const int SampleRate = 22050;
    private const string Folder = "captcha-audio";
    private const int Variants = 3;

    /// <summary>Clips per culture and character, trimmed of silence and normalized; null when any is missing.</summary>
    private readonly Dictionary<string, Dictionary<char, short[][]>>? _clips;

    public CaptchaAudio(ILogger<CaptchaAudio> logger) : this(Path.Combine(AppContext.BaseDirectory, Folder), logger) { }

    internal CaptchaAudio(string directory, ILogger<CaptchaAudio> logger)
    {
        _clips = Load(directory);
        if (_clips is null)
            logger.LogWarning("No captcha audio clips under {Directory} (espeak-ng was missing at build time): the captcha has no audio alternative", directory);
    }

    public bool IsAvailable => _clips is not null;

    /// <summary>A WAV file saying <paramref name="answer"/> twice; Chinese unless the culture is English.</summary>
    public byte[] Render(string answer, CultureInfo culture)
    {
        var clips = (_clips ?? throw new InvalidOperationException("Captcha audio is not available."))[culture.IsEnglish() ? "en-US" : "zh-CN"];
        var samples = new List<short>(SampleRate * 8);
        Silence(samples, Between(0.35, 0.6));
        for (var round = 0; round < 2; round++)
        {
            foreach (var c in answer)
            {
                var clip = clips[c][Random.Shared.Next(Variants)];
                Speak(samples, clip, gain: Between(0.7, 1.0), speed: Between(0.93, 1.07));
                Silence(samples, Between(0.3, 0.65));
            }
            Silence(samples, 0.9);
        }
        AddNoise(samples, level: Between(0.012, 0.025));
        return Wav(samples);
    }

    private static Dictionary<string, Dictionary<char, short[][]>>? Load(string directory)
    {
        var all = new Dictionary<string, Dictionary<char, short[][]>>();
        foreach (var culture in new[] { "zh-CN", "en-US" })
        {
            var byChar = new Dictionary<char, short[][]>();
            foreach (var c in CaptchaService.Alphabet)
            {
                var variants = new short[Variants][];
                for (var v = 0; v < Variants; v++)
                {
                    var path = Path.Combine(directory, culture, $"{c}-{v}.wav");
                    if (!File.Exists(path) || ReadPcm(File.ReadAllBytes(path)) is not { Length: > 0 } pcm) return null;
                    variants[v] = Normalize(Trim(pcm));
                }
                byChar[c] = variants;
            }
            all[culture] = byChar;
        }
        return all;
    }

    /// <summary>The samples of a 16-bit mono PCM WAV at <see cref="SampleRate"/>; null for any other format.</summary>
    internal static short[]? ReadPcm(byte[] wav)
    {
        if (wav.Length < 12 || !wav.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !wav.AsSpan(8, 4).SequenceEqual("WAVE"u8)) return null;
        var format = false;
        for (var at = 12; at + 8 <= wav.Length;)
        {
            var id = wav.AsSpan(at, 4);
            // espeak-ng writes a streaming header whose sizes may be 0x7FFFFFFF: never read past the file.
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(at + 4, 4)), (uint)(wav.Length - at - 8));
            var body = wav.AsSpan(at + 8, size);
            if (id.SequenceEqual("fmt "u8))
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(body) == 1 && BinaryPrimitives.ReadUInt16LittleEndian(body[2..]) == 1
                         && BinaryPrimitives.ReadInt32LittleEndian(body[4..]) == SampleRate && BinaryPrimitives.ReadUInt16LittleEndian(body[14..]) == 16;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!format) return null;
                var samples = new short[size / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(i * 2)..]);
                return samples;
            }
            at += 8 + size + (size & 1);
        }
        return null;
    }

    /// <summary>Drops the silence espeak-ng puts around a word, so that the pauses are the mixer's (and random).</summary>
    private static short[] Trim(short[] pcm)
    {
        const int threshold = 300;
        var start = Array.FindIndex(pcm, s => Math.Abs((int)s) > threshold);
        var end = Array.FindLastIndex(pcm, s => Math.Abs((int)s) > threshold);
        return start < 0 ? pcm : pcm[Math.Max(0, start - 200)..Math.Min(pcm.Length, end + 400)];
    }

    /// <summary>espeak-ng speaks quietly (peaks near a third of full scale): every clip is brought to the same peak.</summary>
    private static short[] Normalize(short[] pcm)
    {
        var peak = pcm.Max(s => Math.Abs((int)s));
        if (peak == 0) return pcm;
        var scale = 0.8 * short.MaxValue / peak;
        return pcm.Select(s => (short)Math.Clamp(s * scale, short.MinValue, short.MaxValue)).ToArray();
    }

    /// <summary>Appends a clip, louder or softer and slightly faster or slower (linear interpolation).</summary>
    private static void Speak(List<short> output, short[] clip, double gain, double speed)
    {
        for (var position = 0.0; position < clip.Length - 1; position += speed)
        {
            var i = (int)position;
            var sample = clip[i] + (clip[i + 1] - clip[i]) * (position - i);
            output.Add((short)Math.Clamp(sample * gain, short.MinValue, short.MaxValue));
        }
    }

    private static void Silence(List<short> output, double seconds) => output.AddRange(new short[(int)(seconds * SampleRate)]);

    /// <summary>Soft noise under everything, so that no two renderings of one answer share a sample.</summary>
    private static void AddNoise(List<short> samples, double level)
    {
        var amplitude = level * short.MaxValue;
        for (var i = 0; i < samples.Count; i++)
            samples[i] = (short)Math.Clamp(samples[i] + (Random.Shared.NextDouble() * 2 - 1) * amplitude, short.MinValue, short.MaxValue);
    }

    private static byte[] Wav(List<short> samples)
    {
        var wav = new byte[44 + samples.Count * 2];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], wav.Length - 8);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], samples.Count * 2);
        for (var i = 0; i < samples.Count; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(44 + i * 2)..], samples[i]);
        return wav;
    }

    // The answer is drawn with a cryptographic generator (CaptchaService); voices, gains and pauses need no secrecy.
    private static double Between(double min, double max) => min + Random.Shared.NextDouble() * (max - min);
}
