using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf;
using ScorePortal.Features.Reports;
using ScorePortal.Security;

namespace ScorePortal.Tests.Features.Reports;

public sealed class ReportSignatureCheckTests(ReportFixture reports) : IClassFixture<ReportFixture>
{
    [Fact]
    public void Genuine_report_is_valid()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());

        Assert.Equal(ReportSignatureVerdict.Valid, reports.Check.Check(pdf));
    }

    [Fact]
    public void One_byte_changed_inside_the_signed_range_is_altered()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());
        var (_, firstLength, _, _) = ByteRange(pdf);
        // In the first signed range, and in the second (the cross-reference table near the end), away from /ByteRange itself.
        foreach (var at in new[] { (int)firstLength / 2, pdf.Length - 100 })
        {
            var altered = (byte[])pdf.Clone();
            altered[at] ^= 0x01;

            Assert.Equal(ReportSignatureVerdict.Altered, reports.Check.Check(altered));
        }
    }

    [Fact]
    public void Bytes_appended_after_signing_are_not_covered()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());
        var update = Encoding.ASCII.GetBytes("\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n");

        Assert.Equal(ReportSignatureVerdict.NotWholeFile, reports.Check.Check([.. pdf, .. update]));
    }

    [Fact]
    public void Report_signed_by_another_certificate_names_the_other_signer()
    {
        var pfx = Path.Combine(reports.Directory, "other-signer.pfx");
        File.WriteAllBytes(pfx, ReportSigningCertificate.CreateSelfSignedPkcs12("CN=Not the exam office", "pw"));
        var other = new ReportSigningCertificate(
            Options.Create(new ReportOptions { SigningCertificatePath = pfx, SigningCertificatePassword = "pw" }),
            Options.Create(new KeyOptions()), new TestEnvironment(reports.Directory));
        var forged = new ScoreReportRenderer(reports.Fonts, reports.Labels, other).Render(ReportFixture.Content());

        Assert.Equal(ReportSignatureVerdict.OtherSigner, reports.Check.Check(forged));
        // The forged file itself is internally consistent: only the signer gives it away.
        Assert.Equal(ReportSignatureVerdict.Valid, new ReportSignatureCheck(other).Check(forged));
    }

    [Fact]
    public void Unsigned_pdf_is_not_signed()
    {
        using var document = new PdfDocument();
        document.AddPage();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);

        Assert.Equal(ReportSignatureVerdict.NotSigned, reports.Check.Check(output.ToArray()));
    }

    [Fact]
    public void Garbage_empty_and_truncated_files_are_refused_without_throwing()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());
        var random = new byte[50_000];
        new Random(7).NextBytes(random);

        Assert.Equal(ReportSignatureVerdict.NotPdf, reports.Check.Check([]));
        Assert.Equal(ReportSignatureVerdict.NotPdf, reports.Check.Check(random));
        Assert.Equal(ReportSignatureVerdict.NotPdf, reports.Check.Check(Encoding.UTF8.GetBytes("<html>not a report</html>")));
        Assert.Equal(ReportSignatureVerdict.NotSigned, reports.Check.Check(pdf.AsSpan(0, pdf.Length / 2)));
        Assert.Equal(ReportSignatureVerdict.NotPdf, reports.Check.Check(pdf.AsSpan(0, 4)));
    }

    [Theory]
    [InlineData("[0 99999999999999999999 100 5]")]     // more digits than any file
    [InlineData("[0 999999999999999 999999999999998 999999999999999]")]
    [InlineData("[0 -5 10 5]")]
    [InlineData("[0 10 5 5]")]                          // second range before the first ends
    [InlineData("[3 10 20 5]")]                         // not from the file's start
    [InlineData("[0 10 20")]                            // unterminated
    [InlineData("[0 20 30 0]")]                         // a gap that is not the hex string
    public void Hostile_byte_ranges_are_not_signed(string byteRange)
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Sig /ByteRange " + byteRange + " /Contents <3082000130> >> endobj\n%%EOF\n");

        Assert.Equal(ReportSignatureVerdict.NotSigned, reports.Check.Check(pdf));
    }

    [Fact]
    public void Contents_that_are_not_a_cms_signature_are_not_signed()
    {
        var pdf = reports.Renderer.Render(ReportFixture.Content());
        var (_, firstLength, secondStart, _) = ByteRange(pdf);
        var blanked = (byte[])pdf.Clone();
        for (var i = (int)firstLength + 1; i < secondStart - 1; i++) blanked[i] = (byte)'0';

        Assert.Equal(ReportSignatureVerdict.NotSigned, reports.Check.Check(blanked));
    }

    private static (long, long, long, long) ByteRange(byte[] pdf)
    {
        var at = pdf.AsSpan().IndexOf("/ByteRange"u8);
        Assert.True(at > 0);
        Assert.True(ReportSignatureCheck.TryReadByteRange(pdf.AsSpan(at + "/ByteRange".Length), out var range));
        return range;
    }

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "ScorePortal";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
