namespace ScorePortal.Features.Reports;

/// <summary>
/// Settings of the PDF score report (section <c>Reports</c>, shared with <c>Reports:FontPath</c> of
/// <see cref="Operations.FontOptions"/>, the first font of the chain).
/// </summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    public const string BabelStoneHanPath = "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf";

    /// <summary>
    /// TrueType fonts tried, in order, for a character the main font lacks; a file that does not exist is skipped.
    /// Null means the default chain: the build's Noto Sans JP (Extension B such as 𠮷), then Debian's
    /// fonts-babelstone-han (Extensions B–H). An array rather than a pre-filled list, because the configuration
    /// binder appends to a list it finds filled instead of replacing it.
    /// </summary>
    public string[]? FallbackFontPaths { get; set; }

    /// <summary>PKCS#12 (.pfx/.p12) holding the certificate and private key that sign every report. Required in Production.</summary>
    public string? SigningCertificatePath { get; set; }

    public string? SigningCertificatePassword { get; set; }

    internal IReadOnlyList<string> FallbackFontPathsOrDefault => FallbackFontPaths ??
    [
        Path.Combine(AppContext.BaseDirectory, "fonts", "NotoSansJP-Regular.ttf"),
        BabelStoneHanPath,
    ];
}
