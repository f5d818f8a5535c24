using System.Text;
using Microsoft.Extensions.Options;
using ScorePortal.Operations;

namespace ScorePortal.Features.Reports;

/// <summary>
/// The fonts a report draws with, in order: the main CJK font (<c>Reports:FontPath</c>, Noto Sans SC), then
/// <c>Reports:FallbackFontPaths</c>. Each character is drawn in the first font whose cmap has it, so a name such as
/// 杨𠮷 mixes Noto Sans SC and Noto Sans JP; a character none has makes the text undrawable (never an empty box).
/// </summary>
public sealed class ReportFontChain
{
    private readonly Face[] _faces;

    public ReportFontChain(IOptions<FontOptions> fontOptions, IOptions<ReportOptions> reportOptions, ILogger<ReportFontChain> logger)
    {
        var faces = new List<Face>();
        var main = fontOptions.Value;
        faces.Add(Load(main.RegularOrDefault, FontOptions.IsTrueType(main.BoldOrDefault) ? main.BoldOrDefault : null));
        foreach (var path in reportOptions.Value.FallbackFontPathsOrDefault)
        {
            if (!File.Exists(path))
            {
                logger.LogInformation("Report fallback font {Path} is not installed; skipped.", path);
                continue;
            }
            // Fallbacks have no bold file: PDFsharp simulates bold for them. A bold file would be one more font
            // subset per report (about 10 ms of CPU each, bench/RESULTS.md) for the few characters they draw.
            faces.Add(Load(path, null));
        }
        _faces = [.. faces];
        ReportFontResolver.Install();
    }

    /// <summary>The files of the chain in drawing order (main font first), for diagnostics and tests.</summary>
    public IReadOnlyList<string> FontPaths => [.. _faces.Select(f => f.Path)];

    /// <summary>True when every character of <paramref name="text"/> has a glyph in some font of the chain.</summary>
    public bool CanDraw(string text) => FirstUndrawable(text) is null;

    /// <summary>The first character (one code point, possibly a surrogate pair) no font of the chain has; null when all are drawable.</summary>
    public string? FirstUndrawable(string text)
    {
        foreach (var rune in text.EnumerateRunes())
            if (FaceIndexOf(rune.Value) < 0) return rune.ToString();
        return null;
    }

    /// <summary>Splits text into runs of consecutive characters that the same font draws.</summary>
    /// <exception cref="UndrawableTextException">A character no font of the chain has.</exception>
    public IReadOnlyList<(string Family, string Text)> Runs(string text)
    {
        var runs = new List<(string, string)>();
        var current = -1;
        var run = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var face = FaceIndexOf(rune.Value);
            if (face < 0) throw new UndrawableTextException(rune.Value);
            if (face != current && run.Length > 0)
            {
                runs.Add((_faces[current].Family, run.ToString()));
                run.Clear();
            }
            current = face;
            run.Append(rune.ToString());
        }
        if (run.Length > 0) runs.Add((_faces[current].Family, run.ToString()));
        return runs;
    }

    /// <summary>The main font's family, for text the portal itself writes (labels, digits), which it always has.</summary>
    public string MainFamily => _faces[0].Family;

    private int FaceIndexOf(int codePoint)
    {
        for (var i = 0; i < _faces.Length; i++)
            if (_faces[i].Coverage.Has(codePoint)) return i;
        return -1;
    }

    private static Face Load(string path, string? boldPath) =>
        new(path, FontCoverage.Read(path), ReportFontResolver.Instance.Register(path, boldPath));

    private sealed record Face(string Path, FontCoverage Coverage, string Family);
}
