using System.Text.RegularExpressions;
using ScorePortal.Features.Reports;
using ScorePortal.Tests.Infrastructure;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.Features.Reports;

public sealed class ScoreReportRendererTests(ReportFixture reports) : IClassFixture<ReportFixture>
{
    [Fact]
    public void Extension_B_name_scores_certificate_and_code_are_text_of_the_report()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());

        using var document = PigDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        var page = document.GetPage(1);
        var text = page.Text;
        Assert.Contains("杨𠮷", text);
        Assert.Contains("320102********3808", text);
        Assert.Contains("53", text);
        Assert.Contains("47.5", text);
        Assert.Contains("RK20260708000004", text);
        Assert.Contains("7KQ2-M9XD-4TPA-ZR8C-H3WN", text);
        Assert.Contains("资格考试合格", text);
        // Issue time in China time, marked as such: 08:50:12 UTC is 16:50:12 in Beijing.
        Assert.Contains("2026年11月29日 16:50:12", text);
        Assert.Contains("UTC+08:00", text);
        // A4 portrait.
        Assert.Equal(595, page.Width, 0);
        Assert.Equal(842, page.Height, 0);
    }

    [Fact]
    public void Watermark_repeats_name_masked_id_and_issue_time_across_the_page()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content(name: "赵䶮"));

        using var document = PigDocument.Open(pdf);
        var page = document.GetPage(1);
        // Printed once in the candidate table and once in the footer; everything beyond is the tiled watermark.
        Assert.True(Regex.Matches(page.Text, "赵䶮").Count >= 20, "name tiles");
        Assert.True(Regex.Matches(page.Text, @"320102\*{8}3808").Count >= 20, "masked ID tiles");
        Assert.True(Regex.Matches(page.Text, "2026年11月29日 16:50:12").Count >= 20, "issue time tiles");
        // Tiles reach every corner of the page, not just its middle.
        var tiles = page.Letters.Where(l => l.Value == "䶮").ToList();
        Assert.Contains(tiles, l => l.BoundingBox.Left < 100 && l.BoundingBox.Bottom < 150);
        Assert.Contains(tiles, l => l.BoundingBox.Right > 495 && l.BoundingBox.Top > 700);
    }

    [Fact]
    public void Each_character_is_drawn_in_the_first_font_of_the_chain_that_has_it()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());

        using var document = PigDocument.Open(pdf);
        var letters = document.GetPage(1).Letters;
        // 杨 is in Noto Sans SC; 𠮷 (U+20BB7, Extension B) is not, and comes from Noto Sans JP, embedded as a subset.
        Assert.All(letters.Where(l => l.Value == "杨"), l => Assert.Contains("NotoSansSC", (l.FontName ?? "").Replace(" ", "")));
        var extensionB = letters.Where(l => l.Value == "𠮷").ToList();
        Assert.NotEmpty(extensionB);
        Assert.All(extensionB, l => Assert.Contains("NotoSansJP", (l.FontName ?? "").Replace(" ", "")));
        Assert.Matches(new Regex(@"^[A-Z]{6}\+"), extensionB[0].FontName ?? "");
    }

    [Fact]
    public void Extension_A_name_and_half_marks_are_text_of_the_report()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content(name: "赵䶮"));

        using var document = PigDocument.Open(pdf);
        var text = document.GetPage(1).Text;
        Assert.Contains("赵䶮", text);
        Assert.Contains("47.5", text);
    }

    [Fact]
    public void Chinese_report_prints_chinese_labels_and_an_absence_as_a_status()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content(passed: false));

        using var document = PigDocument.Open(pdf);
        var text = document.GetPage(1).Text;
        foreach (var label in new[] { "成绩单", "姓名", "证件号码", "准考证号", "合格线", "验证码", "签发时间", "缺考", "资格考试未合格", "保留的合格科目" })
            Assert.Contains(label, text);
        Assert.DoesNotContain("Score Report", text);
        Assert.DoesNotContain("证书编号", text);
    }

    [Fact]
    public void English_report_prints_english_labels()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content("en-US", "SMITH JOHN", passed: false));

        using var document = PigDocument.Open(pdf);
        var text = document.GetPage(1).Text;
        foreach (var label in new[] { "Score Report", "Admission ticket", "Pass line", "Verification code", "Absent", "Qualification not passed", "China time, UTC+08:00", "2026-11-29 16:50:12" })
            Assert.Contains(label, text);
        Assert.Contains("SMITH JOHN", text);
        Assert.DoesNotContain("成绩单", text);
    }

    [Fact]
    public void Signed_report_forbids_modification_and_pdfsig_finds_its_signature_valid()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());
        var path = Path.Combine(reports.Directory, "signed-and-protected.pdf");
        File.WriteAllBytes(path, pdf);

        var info = ReportFixture.Run("pdfinfo", path);
        Assert.Contains("print:yes copy:yes change:no addNotes:no", info);
        // The permission bits themselves (ISO 32000 table 22): print 3, modify 4, copy 5, annotate 6, fill forms 9, assemble 11.
        var permissions = int.Parse(Regex.Match(System.Text.Encoding.Latin1.GetString(pdf), @"/P\s+(-?\d+)").Groups[1].Value);
        Assert.True((permissions & (1 << 2)) != 0, "printing allowed");
        Assert.True((permissions & (1 << 4)) != 0, "content extraction allowed");
        Assert.True((permissions & (1 << 3)) == 0, "modification forbidden");
        Assert.True((permissions & (1 << 5)) == 0, "annotations forbidden");
        Assert.True((permissions & (1 << 10)) == 0, "assembly forbidden");

        var signature = ReportFixture.Run("pdfsig", path);
        Assert.Contains("Signature Validation: Signature is Valid.", signature);
        Assert.Contains("adbe.pkcs7.detached", signature);
        Assert.Contains("SHA-256", signature);
        Assert.Contains("Total document signed", signature);
        Assert.Equal(ReportSignatureVerdict.Valid, reports.Check.Check(pdf));
    }

    [Fact]
    public void A_name_no_font_of_the_chain_has_is_refused_before_anything_is_drawn()
    {
        const string extensionI = "杨\U0002EBF0";

        Assert.False(reports.Renderer.CanDraw(extensionI));
        Assert.False(reports.Renderer.CanDraw("王\U000F0000"));   // supplementary private use
        Assert.Equal("\U0002EBF0", reports.Renderer.FirstUndrawable(extensionI));
        Assert.True(reports.Renderer.CanDraw("杨𠮷"));
        Assert.Null(reports.Renderer.FirstUndrawable("赵䶮 买买提·艾力 SMITH JOHN"));
        var error = Assert.Throws<UndrawableTextException>(() => reports.Renderer.Render(ReportFixture.Content(name: extensionI)));
        Assert.Equal(0x2EBF0, error.CodePoint);
        Assert.Contains("U+2EBF0", error.Message);
    }

    [Theory]
    [InlineData("zh-CN", "杨𠮷", true)]
    [InlineData("en-US", "SMITH JOHN", false)]
    public void First_page_renders_to_a_png_for_people_to_look_at(string culture, string name, bool passed)
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content(culture, name, passed));
        var folder = Path.Combine(PlaywrightFixture.RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var pdfPath = Path.Combine(folder, $"score-report-{culture}.pdf");
        File.WriteAllBytes(pdfPath, pdf);
        var prefix = Path.Combine(folder, $"score-report-{culture}");
        File.Delete(prefix + ".png");

        ReportFixture.Run("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix);

        var png = new FileInfo(prefix + ".png");
        Assert.True(png.Exists);
        // A blank A4 page at 80 dpi compresses to a few KB; text, tables, QR code and watermark make it far larger.
        Assert.True(png.Length > 40_000, $"{png.Length} bytes");
        var header = File.ReadAllBytes(png.FullName).AsSpan(0, 24).ToArray();
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, header[..4]);
        var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16));
        var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20));
        Assert.Equal(661, width, 1.0);   // 595 pt at 80 dpi
        Assert.Equal(935, height, 1.0);
    }
}
