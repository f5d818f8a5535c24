using ScorePortal.Operations;
using SkiaSharp;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// Draws a captcha answer as a distorted picture: rotated, jittered glyphs bent along a random wave, over noise lines,
/// under noise dots. JPEG (quality 75, about 2 KB) rather than PNG: the picture is most of a release-day visit's bytes,
/// every browser reads JPEG, and at this quality the glyphs read as in a PNG.
/// <para>
/// Drawing is cheap enough to do for every visitor (issue #22: ≥ 6,000 fresh pictures/s on 2 cores): every character
/// of the alphabet is rasterized once, at start-up, at two sizes and every second degree of rotation from -28° to 28°
/// (<see cref="GlyphAtlas"/>, about 2 MB of coverage masks); a picture then composes four masks and the noise into a
/// per-thread pixel buffer with plain array arithmetic (no path filling, no text shaping) and lets Skia's
/// libjpeg-turbo encode it. Nothing is pre-drawn or pooled: each picture is drawn for its token when first asked for,
/// so no picture can be served to two visitors, and the answer is only ever the token's (CaptchaService draws it with
/// a cryptographic generator).
/// </para>
/// </summary>
public sealed class CaptchaImage(PortalFonts fonts)
{
    public const int Width = 132;
    public const int Height = 44;
    public const string ContentType = "image/jpeg";
    private const int Quality = 75;

    private static readonly SKColor Background = new(0xF3, 0xF6, 0xFA);

    private readonly Lazy<GlyphAtlas> _atlas = new(() => new GlyphAtlas(fonts.Bold), LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic] private static SKBitmap? _canvas;

    public byte[] Render(string answer)
    {
        var atlas = _atlas.Value;
        var bitmap = _canvas ??= new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        Fill(pixels, Background);

        for (var i = 0; i < 6; i++)
            Line(pixels, Next(Width), Next(Height), Next(Width), Next(Height), RandomColor(120, 190), 0.85f);

        // One wave bends every glyph (a vertical shift per column) so that the masks never sit as they were rasterized.
        var amplitude = 1.5 + Random.Shared.NextDouble() * 2;
        var period = 40 + Random.Shared.NextDouble() * 40;
        var phase = Random.Shared.NextDouble() * Math.Tau;
        Span<int> wave = stackalloc int[Width];
        for (var x = 0; x < Width; x++) wave[x] = (int)Math.Round(amplitude * Math.Sin(phase + x * Math.Tau / period));

        var step = (Width - 16f) / answer.Length;
        for (var i = 0; i < answer.Length; i++)
        {
            var glyph = atlas.Glyph(answer[i], Next(GlyphAtlas.Sizes.Length), Next(GlyphAtlas.Angles));
            var centerX = (int)(8 + step * i + step / 2) + Next(-3, 4);
            var centerY = Height / 2 + Next(-4, 5);
            Stamp(pixels, glyph, centerX - GlyphAtlas.Half, centerY - GlyphAtlas.Half, wave, RandomColor(20, 110));
        }

        for (var i = 0; i < 60; i++) Dot(pixels, Next(Width), Next(Height), RandomColor(80, 200));

        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return jpeg.ToArray();
    }

    private static void Fill(Span<byte> pixels, SKColor color)
    {
        var pixel = (uint)(color.Red | color.Green << 8 | color.Blue << 16 | 0xFF << 24);
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(pixels).Fill(pixel);
    }

    /// <summary>Blends <paramref name="color"/> at coverage <paramref name="alpha"/> (0-255) into one pixel.</summary>
    private static void Blend(Span<byte> pixels, int x, int y, SKColor color, int alpha)
    {
        if ((uint)x >= Width || (uint)y >= Height || alpha <= 0) return;
        var at = (y * Width + x) * 4;
        var keep = 255 - alpha;
        pixels[at] = (byte)((pixels[at] * keep + color.Red * alpha + 127) / 255);
        pixels[at + 1] = (byte)((pixels[at + 1] * keep + color.Green * alpha + 127) / 255);
        pixels[at + 2] = (byte)((pixels[at + 2] * keep + color.Blue * alpha + 127) / 255);
    }

    /// <summary>An anti-aliased line about 1.4 px wide (Wu's algorithm, each step spread over the two nearest pixels).</summary>
    private static void Line(Span<byte> pixels, int x0, int y0, int x1, int y1, SKColor color, float opacity)
    {
        int dx = x1 - x0, dy = y1 - y0;
        var steps = Math.Max(Math.Abs(dx), Math.Abs(dy));
        if (steps == 0) return;
        var steep = Math.Abs(dy) > Math.Abs(dx);
        for (var s = 0; s <= steps; s++)
        {
            var major = steep ? y0 + (dy > 0 ? s : -s) : x0 + (dx > 0 ? s : -s);
            var minor = steep ? x0 + (float)dx * s / steps : y0 + (float)dy * s / steps;
            var low = (int)MathF.Floor(minor);
            var fraction = minor - low;
            var near = (int)(255 * opacity * Math.Min(1, 1.4f - fraction));
            var far = (int)(255 * opacity * Math.Min(1, 0.4f + fraction));
            if (steep)
            {
                Blend(pixels, low, major, color, near);
                Blend(pixels, low + 1, major, color, far);
            }
            else
            {
                Blend(pixels, major, low, color, near);
                Blend(pixels, major, low + 1, color, far);
            }
        }
    }

    private static void Dot(Span<byte> pixels, int x, int y, SKColor color)
    {
        Blend(pixels, x, y, color, 220);
        Blend(pixels, x + 1, y, color, 70);
        Blend(pixels, x, y + 1, color, 70);
    }

    private static void Stamp(Span<byte> pixels, ReadOnlySpan<byte> mask, int left, int top, ReadOnlySpan<int> wave, SKColor color)
    {
        for (var my = 0; my < GlyphAtlas.Side; my++)
        {
            var row = mask.Slice(my * GlyphAtlas.Side, GlyphAtlas.Side);
            for (var mx = 0; mx < GlyphAtlas.Side; mx++)
            {
                var coverage = row[mx];
                if (coverage == 0) continue;
                var x = left + mx;
                if ((uint)x >= Width) continue;
                Blend(pixels, x, top + my + wave[x], color, coverage);
            }
        }
    }

    // The answer is drawn with a cryptographic generator (CaptchaService); the jitter, colours and noise around it need
    // no secrecy (the picture shows them).
    private static int Next(int max) => Random.Shared.Next(max);
    private static int Next(int min, int max) => Random.Shared.Next(min, max);

    private static SKColor RandomColor(int min, int max) =>
        new((byte)Next(min, max), (byte)Next(min, max), (byte)Next(min, max));

    /// <summary>
    /// Every character of <see cref="CaptchaService.Alphabet"/> rasterized by Skia (anti-aliased, the portal's bold font)
    /// into square 8-bit coverage masks, centred, at each size of <see cref="Sizes"/> and each rotation of
    /// <see cref="Angles"/>.
    /// </summary>
    internal sealed class GlyphAtlas
    {
        public const int Side = 40;
        public const int Half = Side / 2;
        public static readonly float[] Sizes = [26f, 29f];
        public const int Angles = 29; // -28° to 28° in steps of 2°

        private readonly byte[][] _masks = new byte[128 * Sizes.Length * Angles][];

        public GlyphAtlas(SKTypeface typeface)
        {
            var info = new SKImageInfo(Side, Side, SKColorType.Alpha8, SKAlphaType.Premul);
            using var bitmap = new SKBitmap(info);
            using var canvas = new SKCanvas(bitmap);
            using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
            for (var s = 0; s < Sizes.Length; s++)
            {
                using var font = new SKFont(typeface, Sizes[s]);
                foreach (var c in CaptchaService.Alphabet)
                {
                    var text = c.ToString();
                    font.MeasureText(text, out var bounds);
                    for (var a = 0; a < Angles; a++)
                    {
                        canvas.Clear(SKColors.Transparent);
                        canvas.Save();
                        canvas.RotateDegrees(-28 + 2 * a, Half, Half);
                        canvas.DrawText(text, Half - bounds.MidX, Half - bounds.MidY, SKTextAlign.Left, font, paint);
                        canvas.Restore();
                        canvas.Flush();
                        _masks[Index(c, s, a)] = bitmap.GetPixelSpan().ToArray();
                    }
                }
            }
        }

        private static int Index(char c, int size, int angle) => (c * Sizes.Length + size) * Angles + angle;

        public ReadOnlySpan<byte> Glyph(char c, int size, int angle) =>
            _masks[Index(c < 128 ? c : '?', size, angle)] ?? throw new ArgumentOutOfRangeException(nameof(c), "Not a captcha character.");
    }
}
