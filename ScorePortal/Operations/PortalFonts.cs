using Microsoft.Extensions.Options;
using SkiaSharp;

namespace ScorePortal.Operations;

public sealed class FontOptions
{
    public const string Section = "Reports";

    /// <summary>A TrueType (glyf) font with CJK glyphs; defaults to the Noto Sans SC the build provides.</summary>
    public string? FontPath { get; set; }

    public string? BoldFontPath { get; set; }

    internal string RegularOrDefault => FontPath is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "fonts", "NotoSansSC-Regular.ttf");
    internal string BoldOrDefault => BoldFontPath is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "fonts", "NotoSansSC-Bold.ttf");

    /// <summary>A TrueType file starts with 0x00010000 or "true"; a collection (.ttc, "ttcf") or OpenType/CFF ("OTTO") does not.</summary>
    internal static bool IsTrueType(string path)
    {
        if (!File.Exists(path)) return false;
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(head) == 4 && (head.SequenceEqual(new byte[] { 0, 1, 0, 0 }) || head.SequenceEqual("true"u8));
    }
}

/// <summary>The fonts the portal draws with (captcha, reports), loaded once.</summary>
public sealed class PortalFonts
{
    public PortalFonts(IOptions<FontOptions> options)
    {
        RegularPath = options.Value.RegularOrDefault;
        BoldPath = FontOptions.IsTrueType(options.Value.BoldOrDefault) ? options.Value.BoldOrDefault : RegularPath;
        Regular = SKTypeface.FromFile(RegularPath) ?? throw new InvalidOperationException($"Cannot load the font {RegularPath}.");
        Bold = SKTypeface.FromFile(BoldPath) ?? Regular;
    }

    public string RegularPath { get; }
    public string BoldPath { get; }
    public SKTypeface Regular { get; }
    public SKTypeface Bold { get; }
}

public static class PortalFontsExtensions
{
    public static WebApplicationBuilder AddPortalFonts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FontOptions>().BindConfiguration(FontOptions.Section)
            .Validate(o => FontOptions.IsTrueType(o.RegularOrDefault),
                "No CJK TrueType font found. The build normally provides fonts/NotoSansSC-Regular.ttf (from the npm package " +
                "@expo-google-fonts/noto-sans-sc); otherwise set Reports:FontPath to a .ttf with CJK glyphs (.ttc is not supported).")
            .ValidateOnStart();
        builder.Services.AddSingleton<PortalFonts>();
        return builder;
    }
}
