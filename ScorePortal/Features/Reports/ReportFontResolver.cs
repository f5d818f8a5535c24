using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace ScorePortal.Features.Reports;

/// <summary>
/// Hands PDFsharp the report fonts by file. PDFsharp keeps one resolver for the whole process and refuses to change
/// it once a font was used, while a test run starts many portal hosts (each with its own chain) in one process: so
/// there is exactly one resolver, installed once, and each chain registers its files under family names derived
/// from their paths. Re-registering the same file is harmless; two chains never disagree about a name.
/// </summary>
public sealed class ReportFontResolver : IFontResolver
{
    public static readonly ReportFontResolver Instance = new();

    private static readonly Lock InstallLock = new();
    private static bool _installed;

    private readonly ConcurrentDictionary<string, (string Regular, string? Bold)> _families = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _faces = new(StringComparer.Ordinal);

    private ReportFontResolver()
    {
    }

    /// <summary>Installs the resolver into PDFsharp once per process; later calls do nothing.</summary>
    public static void Install()
    {
        lock (InstallLock)
        {
            if (_installed) return;
            if (GlobalFontSettings.FontResolver is { } existing && !ReferenceEquals(existing, Instance))
                throw new InvalidOperationException(
                    $"PDFsharp already uses the font resolver {existing.GetType().Name}; the score report needs {nameof(ReportFontResolver)}.");
            GlobalFontSettings.FontResolver = Instance;
            _installed = true;
        }
    }

    /// <summary>Registers a font file (and its bold sibling, when it has one) and returns the family name to draw it with.</summary>
    public string Register(string regularPath, string? boldPath)
    {
        var regular = Path.GetFullPath(regularPath);
        var bold = boldPath is null ? null : Path.GetFullPath(boldPath);
        // The name stands for the files themselves, so equal names always mean equal fonts across hosts.
        var family = "ScorePortalReport-" + Convert.ToHexString(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(regular + "|" + bold)))[..16];
        _families.TryAdd(family, (regular, bold));
        _faces.TryAdd(family + "-Regular", regular);
        if (bold is not null) _faces.TryAdd(family + "-Bold", bold);
        return family;
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        if (!_families.TryGetValue(familyName, out var files)) return null;
        if (!bold) return new FontResolverInfo(familyName + "-Regular");
        // A font without a bold file (BabelStone Han) gets PDFsharp's simulated bold rather than a thinner glyph.
        return files.Bold is not null
            ? new FontResolverInfo(familyName + "-Bold")
            : new FontResolverInfo(familyName + "-Regular", mustSimulateBold: true, mustSimulateItalic: false);
    }

    /// <summary>PDFsharp asks once per face and caches the parsed font for the process.</summary>
    public byte[]? GetFont(string faceName) =>
        _faces.TryGetValue(faceName, out var path) ? File.ReadAllBytes(path) : null;
}
