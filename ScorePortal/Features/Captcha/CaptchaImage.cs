using ScorePortal.Operations;
using SkiaSharp;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// Draws a captcha answer as a distorted picture: rotated, jittered glyphs bent along a random wave, over noise lines,
/// under noise dots, in grays, written as a 16-gray BMP (about 3 KB): the glyphs are anti-aliased with 16 levels, which
/// reads on a phone as well as the colour JPEG it replaces, every browser shows BMP, and writing one is a copy of the
/// pixels (a JPEG encoder cost more than the drawing itself; on release day the picture is drawn into every form page,
/// bench/RESULTS.md "whole visit").
/// <para>
/// Drawing is cheap enough to do for every visitor (issue #22: ≥ 6,000 fresh pictures/s on 2 cores): every character
/// of the alphabet is rasterized once, at start-up, at two sizes and every second degree of rotation from -28° to 28°
/// (<see cref="GlyphAtlas"/>, about 2 MB of coverage masks); a picture then composes four masks and the noise into a
/// per-thread 8-bit gray buffer with plain array arithmetic (no path filling, no text shaping) and packs it into four
/// bits a pixel. Nothing is pre-drawn or pooled: each picture is drawn for its token when first asked for, so no picture
/// can be served to two visitors, and the answer is only ever the token's (CaptchaService draws it with a cryptographic
/// generator).
/// </para>
/// </summary>
public sealed class CaptchaImage(PortalFonts fonts)
{
    public const int Width = 132;
    public const int Height = 44;
    public const string ContentType = "image/bmp";

    private const byte Background = 0xF4;
    private const int RowBytes = Width / 2 + 3 & ~3; // 4 bits a pixel (the width is even), rows padded to 4 bytes
    private const int PaletteOffset = 14 + 40;
    private const int PixelOffset = PaletteOffset + 16 * 4;
    public const int FileLength = PixelOffset + RowBytes * Height;

    private static readonly byte[] Header = BuildHeader();

    private readonly Lazy<GlyphAtlas> _atlas = new(() => new GlyphAtlas(fonts.Bold), LazyThreadSafetyMode.ExecutionAndPublication);

    [ThreadStatic] private static byte[]? _canvas;

    public byte[] Render(string answer)
    {
        var atlas = _atlas.Value;
        var pixels = _canvas ??= new byte[Width * Height];
        pixels.AsSpan().Fill(Background);

        for (var i = 0; i < 6; i++)
            Line(pixels, Next(Width), Next(Height), Next(Width), Next(Height), RandomGray(110, 190), 0.85f);

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
            Stamp(pixels, glyph, centerX - GlyphAtlas.Half, centerY - GlyphAtlas.Half, wave, RandomGray(10, 90));
        }

        for (var i = 0; i < 60; i++) Dot(pixels, Next(Width), Next(Height), RandomGray(70, 200));

        return Encode(pixels);
    }

    /// <summary>The gray pixels as a bottom-up, 4-bit, 16-gray BMP (BITMAPINFOHEADER, no compression).</summary>
    private static byte[] Encode(ReadOnlySpan<byte> pixels)
    {
        var file = new byte[FileLength];
        Header.CopyTo(file, 0);
        for (var y = 0; y < Height; y++)
        {
            var source = pixels.Slice(y * Width, Width);
            var row = file.AsSpan(PixelOffset + (Height - 1 - y) * RowBytes, RowBytes);
            for (var x = 0; x < Width; x += 2)
                row[x >> 1] = (byte)(Levels[source[x]] << 4 | Levels[source[x + 1]]);
        }
        return file;
    }

    /// <summary>For each gray, the nearest of the 16 palette grays 0, 17, …, 255.</summary>
    private static readonly byte[] Levels = [.. Enumerable.Range(0, 256).Select(gray => (byte)((gray + 8) / 17))];

    private static byte[] BuildHeader()
    {
        var header = new byte[PixelOffset];
        var span = header.AsSpan();
        span[0] = (byte)'B';
        span[1] = (byte)'M';
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[2..], FileLength);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[10..], PixelOffset);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[14..], 40);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[18..], Width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[22..], Height);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[26..], 1);  // planes
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[28..], 4);  // bits a pixel
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[34..], RowBytes * Height);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[38..], 2835); // 72 dpi
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[42..], 2835);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[46..], 16); // colours used
        for (var i = 0; i < 16; i++)
        {
            var gray = (byte)(i * 17);
            span[PaletteOffset + i * 4] = gray;
            span[PaletteOffset + i * 4 + 1] = gray;
            span[PaletteOffset + i * 4 + 2] = gray;
        }
        return header;
    }

    /// <summary>Blends <paramref name="gray"/> at coverage <paramref name="alpha"/> (0-255) into one pixel.</summary>
    private static void Blend(Span<byte> pixels, int x, int y, int gray, int alpha)
    {
        if ((uint)x >= Width || (uint)y >= Height || alpha <= 0) return;
        ref var pixel = ref pixels[y * Width + x];
        pixel = (byte)((pixel * (255 - alpha) + gray * alpha + 127) / 255);
    }

    /// <summary>An anti-aliased line about 1.4 px wide (Wu's algorithm, each step spread over the two nearest pixels).</summary>
    private static void Line(Span<byte> pixels, int x0, int y0, int x1, int y1, int gray, float opacity)
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
                Blend(pixels, low, major, gray, near);
                Blend(pixels, low + 1, major, gray, far);
            }
            else
            {
                Blend(pixels, major, low, gray, near);
                Blend(pixels, major, low + 1, gray, far);
            }
        }
    }

    private static void Dot(Span<byte> pixels, int x, int y, int gray)
    {
        Blend(pixels, x, y, gray, 220);
        Blend(pixels, x + 1, y, gray, 70);
        Blend(pixels, x, y + 1, gray, 70);
    }

    private static void Stamp(Span<byte> pixels, ReadOnlySpan<byte> mask, int left, int top, ReadOnlySpan<int> wave, int gray)
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
                Blend(pixels, x, top + my + wave[x], gray, coverage);
            }
        }
    }

    // The answer is drawn with a cryptographic generator (CaptchaService); the jitter, colours and noise around it need
    // no secrecy (the picture shows them).
    private static int Next(int max) => Random.Shared.Next(max);
    private static int Next(int min, int max) => Random.Shared.Next(min, max);

    private static int RandomGray(int min, int max) => Next(min, max);

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
