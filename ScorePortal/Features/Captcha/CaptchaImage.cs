using ScorePortal.Operations;
using SkiaSharp;

namespace ScorePortal.Features.Captcha;

/// <summary>
/// Draws a captcha answer as a distorted picture: rotated, jittered glyphs over noise lines and dots. JPEG (quality 75,
/// about 2 KB) rather than PNG (about 5 KB): the picture is most of a release-day visit's bytes, every browser reads
/// JPEG, and at this quality the glyphs read as in the PNG.
/// </summary>
public sealed class CaptchaImage(PortalFonts fonts)
{
    public const int Width = 132;
    public const int Height = 44;
    public const string ContentType = "image/jpeg";
    private const int Quality = 75;

    public byte[] Render(string answer)
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(0xF3, 0xF6, 0xFA));

        using var noise = new SKPaint { IsAntialias = true, StrokeWidth = 1.4f, Style = SKPaintStyle.Stroke };
        for (var i = 0; i < 6; i++)
        {
            noise.Color = RandomColor(120, 190);
            canvas.DrawLine(Next(Width), Next(Height), Next(Width), Next(Height), noise);
        }

        using var font = new SKFont(fonts.Bold, 28);
        using var ink = new SKPaint { IsAntialias = true };
        var step = (Width - 16f) / answer.Length;
        for (var i = 0; i < answer.Length; i++)
        {
            ink.Color = RandomColor(20, 110);
            canvas.Save();
            var x = 8 + step * i + step / 2 + Next(-3, 4);
            var y = Height / 2f + 10 + Next(-4, 5);
            canvas.RotateDegrees(Next(-28, 29), x, y - 10);
            canvas.DrawText(answer[i].ToString(), x, y, SKTextAlign.Center, font, ink);
            canvas.Restore();
        }

        using var dots = new SKPaint { IsAntialias = true };
        for (var i = 0; i < 60; i++)
        {
            dots.Color = RandomColor(80, 200);
            canvas.DrawCircle(Next(Width), Next(Height), 0.9f, dots);
        }

        using var image = surface.Snapshot();
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return jpeg.ToArray();
    }

    // The answer is drawn with a cryptographic generator (CaptchaService); the jitter, colours and noise around it need
    // no secrecy (the picture shows them), and three hundred OpenSSL calls per image were most of its cost.
    private static int Next(int max) => Random.Shared.Next(max);
    private static int Next(int min, int max) => Random.Shared.Next(min, max);

    private static SKColor RandomColor(int min, int max) =>
        new((byte)Next(min, max), (byte)Next(min, max), (byte)Next(min, max));
}
