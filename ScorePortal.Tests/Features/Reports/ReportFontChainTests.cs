using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Reports;
using ScorePortal.Operations;

namespace ScorePortal.Tests.Features.Reports;

public sealed class ReportFontChainTests
{
    private static readonly string FontFolder = Path.Combine(AppContext.BaseDirectory, "fonts");

    private static ReportFontChain Chain(params string[]? fallbacks) => new(
        Options.Create(new FontOptions()),
        Options.Create(new ReportOptions { FallbackFontPaths = fallbacks }),
        NullLogger<ReportFontChain>.Instance);

    [Fact]
    public void Cmaps_say_what_each_font_of_the_chain_covers()
    {
        var sc = FontCoverage.Read(Path.Combine(FontFolder, "NotoSansSC-Regular.ttf"));
        var jp = FontCoverage.Read(Path.Combine(FontFolder, "NotoSansJP-Regular.ttf"));
        var babelStone = FontCoverage.Read(ReportOptions.BabelStoneHanPath);   // .ci/run installs fonts-babelstone-han

        Assert.True(sc.Has('杨') && sc.Has(0x4DAE) && sc.Has('A') && sc.Has('·'));
        Assert.False(sc.Has(0x20BB7));       // 𠮷, Extension B
        Assert.True(jp.Has(0x20BB7));
        Assert.False(jp.Has(0x2A6D6));       // the rest of Extension B is not in Noto Sans JP
        Assert.True(babelStone.Has(0x2A6D6) && babelStone.Has(0x2B740) && babelStone.Has(0x30000)); // Extensions B, D, G
        Assert.False(babelStone.Has(0x2EBF0));                                                    // Extension I: nobody
    }

    [Fact]
    public void A_ttc_or_a_non_font_file_is_refused_with_the_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-font-{Guid.NewGuid():N}.ttc");
        File.WriteAllBytes(path, "ttcf\0\u0002\0\0"u8.ToArray());
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => FontCoverage.Read(path));
            Assert.Contains("TrueType", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Without_fallbacks_an_extension_B_name_is_undrawable_and_with_them_it_splits_into_runs()
    {
        var scOnly = Chain([]);
        var defaults = Chain(null);

        Assert.Equal("𠮷", scOnly.FirstUndrawable("杨𠮷"));
        Assert.Throws<UndrawableTextException>(() => scOnly.Runs("杨𠮷"));
        var runs = defaults.Runs("杨𠮷 赵䶮");
        Assert.Equal(["杨", "𠮷", " 赵䶮"], runs.Select(r => r.Text));
        Assert.Equal(defaults.MainFamily, runs[0].Family);
        Assert.NotEqual(runs[0].Family, runs[1].Family);
        Assert.Equal(runs[0].Family, runs[2].Family);
    }

    [Fact]
    public void Default_chain_is_sc_then_jp_then_babelstone_and_a_missing_file_is_skipped()
    {
        var defaults = Chain(null);
        var withMissing = Chain(Path.Combine(FontFolder, "NotoSansJP-Regular.ttf"), "/nonexistent/font.ttf");

        Assert.Equal(
            [Path.Combine(FontFolder, "NotoSansSC-Regular.ttf"), Path.Combine(FontFolder, "NotoSansJP-Regular.ttf"), ReportOptions.BabelStoneHanPath],
            defaults.FontPaths);
        Assert.Equal(2, withMissing.FontPaths.Count);
        // Extension G: only BabelStone Han has it.
        Assert.True(defaults.CanDraw("\U00030000"));
        Assert.False(withMissing.CanDraw("\U00030000"));
    }
}
