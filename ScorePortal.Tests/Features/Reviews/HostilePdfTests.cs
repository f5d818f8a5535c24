using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using ScorePortal.Features.Reviews;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    /// <summary>Tests that measure the process's memory run alone, so no other test's allocations count.</summary>
    public const string Name = "Memory measuring";
}

/// <summary>Issue #20, row 1: a small PDF whose streams inflate to hundreds of megabytes (a PDF bomb).</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class HostilePdfTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    /// <summary>
    /// A PDF of a few hundred kilobytes whose cross-reference stream (the first thing PDFsharp reads, inflated whole)
    /// is <paramref name="inflatedMegabytes"/> MB of zeros once inflated.
    /// </summary>
    public static byte[] PdfBomb(int inflatedMegabytes = 200)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < inflatedMegabytes; i++) zlib.Write(zeros);
        }
        var data = compressed.ToArray();
        using var pdf = new MemoryStream();
        pdf.Write("%PDF-1.7\n"u8);
        var xrefAt = pdf.Length;
        pdf.Write(Encoding.ASCII.GetBytes($"1 0 obj\n<< /Type /XRef /Size 2 /W [1 4 2] /Root 2 0 R /Filter /FlateDecode /Length {data.Length} >>\nstream\n"));
        pdf.Write(data);
        pdf.Write(Encoding.ASCII.GetBytes($"\nendstream\nendobj\nstartxref\n{xrefAt}\n%%EOF\n"));
        return pdf.ToArray();
    }

    [Fact]
    public async Task A_pdf_whose_streams_inflate_past_the_budget_is_refused_within_a_second_without_growing_the_process()
    {
        var bomb = PdfBomb();
        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is small ({bomb.Length} bytes)");
        var (client, _, _, registrationId) = await LinkedAsync(portal, "370102199608302908", "孙丽");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        // Warm the path once with an ordinary refusal, so the measurement below is the check, not the first request.
        var warm = GoodFiles();
        warm["idCopy"] = ("id.pdf", Exe());
        using (await ApplyAsync(client, registrationId, subject, warm)) { }

        var files = GoodFiles();
        files["applicationForm"] = ("application.pdf", bomb);
        var hidden = await client.ReadFormAsync("/me/reviews", $"apply-{registrationId}");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                try { await Task.Delay(5, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var watch = Stopwatch.StartNew();
        using var response = await ApplyAsync(client, registrationId, subject, files, hidden: hidden);
        watch.Stop();
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me/reviews?message=" + ReviewErrors.FilePdfExpands, response.RedirectTarget());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"refused after {watch.Elapsed.TotalMilliseconds:0} ms");
        var grown = (peak - before) / (1024 * 1024);
        Assert.True(grown < 100, $"the process grew by {grown} MB");

        var (_, page) = await client.GetAsync(response.RedirectTarget());
        Assert.Contains("无法安全检查此 PDF：其内容解压后超过 32 MB", page);
        var localizer = portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            Assert.StartsWith("This PDF cannot be checked safely: its content expands beyond 32 MB", localizer[ReviewErrors.FilePdfExpands].Value);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }
        await using var db = await Db(portal);
        Assert.False(await db.ReviewRequests.AnyAsync(r => r.RegistrationId == registrationId));
    }

    [Fact]
    public void Streams_hidden_under_hex_a_second_deflate_layer_encryption_or_lzw_are_refused_and_ordinary_pdfs_pass()
    {
        Assert.True(PdfExpansion.WithinBudget(Pdf(20)));
        Assert.False(PdfExpansion.WithinBudget(PdfBomb(40)));

        // The same bomb compressed twice ([/FlateDecode /FlateDecode]): the outer layer is small.
        var inner = Deflate(new byte[40 * 1024 * 1024]);
        Assert.False(PdfExpansion.WithinBudget(WithStream("/Filter [/FlateDecode /FlateDecode]", Deflate(inner))));
        // Under an ASCII hex layer, whatever the dictionary says.
        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(inner) + ">");
        Assert.False(PdfExpansion.WithinBudget(WithStream("/Filter /DCTDecode", hex)));
        // Compression or encryption the budget cannot follow, names escaped or not.
        Assert.False(PdfExpansion.WithinBudget(WithStream("/Filter /LZW#44ecode", [1, 2, 3])));
        Assert.False(PdfExpansion.WithinBudget(WithStream("/Filter /RunLengthDecode", [1, 2, 3])));
        Assert.False(PdfExpansion.WithinBudget(WithStream("/Filter 7 0 R", [1, 2, 3])));
        Assert.False(PdfExpansion.WithinBudget([.. WithStream("", [1]), .. "trailer << /Encr#79pt 9 0 R >>"u8]));
        // A stream just under the budget is fine.
        Assert.True(PdfExpansion.WithinBudget(WithStream("/Filter /FlateDecode", Deflate(new byte[8 * 1024 * 1024]))));
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) zlib.Write(data);
        return output.ToArray();
    }

    private static byte[] WithStream(string dictionary, byte[] data) =>
        [.. Encoding.ASCII.GetBytes($"%PDF-1.7\n1 0 obj\n<< {dictionary} /Length {data.Length} >>\nstream\n"), .. data, .. "\nendstream\nendobj\n%%EOF\n"u8];
}
