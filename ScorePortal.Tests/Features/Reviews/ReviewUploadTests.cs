using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Reviews;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Reviews.ReviewTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>The "Bad input": refused uploads store nothing; accepted ones are stored under generated names, encrypted.</summary>
public sealed class ReviewUploadTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private string FilesDirectory =>
        Path.Combine(portal.Services.GetRequiredService<IWebHostEnvironment>().ContentRootPath,
            portal.Services.GetRequiredService<IOptions<ReviewOptions>>().Value.FilesDirectory);

    private int StoredFiles => Directory.Exists(FilesDirectory) ? Directory.GetFiles(FilesDirectory).Length : 0;

    [Fact]
    public async Task A_renamed_executable_an_HTML_page_posted_as_PDF_and_a_21_page_PDF_are_refused_with_their_message()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "370102199608302908", "孙丽");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        var before = StoredFiles;

        var cases = new (string Field, string Name, byte[] Bytes, string Key, string Message)[]
        {
            ("applicationForm", "application.pdf", Exe(), ReviewErrors.FileType, "只接受 PDF、JPEG 或 PNG 文件"),
            ("idCopy", "id.pdf", Html(), ReviewErrors.FileType, "只接受 PDF、JPEG 或 PNG 文件"),
            ("admissionTicket", "ticket.pdf", Pdf(21), ReviewErrors.FileTooManyPages, "PDF 文件不能超过 20 页"),
            ("admissionTicket", "ticket.pdf", "%PDF-1.7 not really a pdf"u8.ToArray(), ReviewErrors.FileType, "只接受 PDF、JPEG 或 PNG 文件"),
        };
        foreach (var (field, name, bytes, key, message) in cases)
        {
            var files = GoodFiles();
            files[field] = (name, bytes);
            using var response = await ApplyAsync(client, registrationId, subject, files);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/me/reviews?message=" + key, response.RedirectTarget());
            var (_, page) = await client.GetAsync(response.RedirectTarget());
            Assert.Contains(message, page);
        }
        // A missing file is refused too.
        var partial = GoodFiles();
        partial.Remove("idCopy");
        using (var missing = await ApplyAsync(client, registrationId, subject, partial))
            Assert.Equal("/me/reviews?message=" + ReviewErrors.FileMissing, missing.RedirectTarget());

        Assert.Equal(before, StoredFiles);
        await using var db = await Db(portal);
        Assert.False(await db.ReviewRequests.AnyAsync(r => r.RegistrationId == registrationId));
        Assert.True(await db.AuditEntries.CountAsync(e => e.Action == "review.apply" && e.DataJson.Contains("Review.Error.FileType")) >= 3);
    }

    [Fact]
    public async Task A_50_MB_upload_is_refused_before_anything_is_stored()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "330106198704125212", "赵\u4DAE");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        var before = StoredFiles;
        var files = GoodFiles();
        var huge = new byte[50 * 1024 * 1024];
        "%PDF-"u8.CopyTo(huge);
        files["applicationForm"] = ("huge.pdf", huge);

        using var response = await ApplyAsync(client, registrationId, subject, files);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/me/reviews?message=" + ReviewErrors.RequestTooLarge, response.RedirectTarget());
        Assert.Equal(before, StoredFiles);
        await using var db = await Db(portal);
        Assert.False(await db.ReviewRequests.AnyAsync(r => r.RegistrationId == registrationId));

        // One file over 10 MB within a body under the limit is refused by the file check, with its own message.
        var eleven = new byte[11 * 1024 * 1024];
        "%PDF-"u8.CopyTo(eleven);
        files["applicationForm"] = ("big.pdf", eleven);
        using var big = await ApplyAsync(client, registrationId, subject, files);
        Assert.Equal("/me/reviews?message=" + ReviewErrors.FileTooLarge, big.RedirectTarget());
        Assert.Equal(before, StoredFiles);
    }

    [Fact]
    public async Task A_JPEG_with_a_hostile_file_name_is_stored_encrypted_under_a_generated_name()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "320102199211083808", "杨\U00020BB7");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[0];
        var files = GoodFiles();
        const string hostile = "../../wwwroot/<script>alert(1)</script>.jpg";
        files["idCopy"] = (hostile, Jpeg());

        var requestId = await FiledAsync(client, registrationId, subject);
        _ = requestId;
        using var response = await ApplyAsync(client, registrationId, (await ScoredSubjectsAsync(portal, registrationId))[1], files);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = response.RedirectTarget();
        var id = int.Parse(target["/me/reviews/".Length..target.IndexOf('?')], System.Globalization.CultureInfo.InvariantCulture);

        await using var db = await Db(portal);
        var stored = await db.ReviewFiles.SingleAsync(f => f.ReviewRequestId == id && f.Kind == ReviewFileKind.IdCopy);
        Assert.Equal("image/jpeg", stored.ContentType);
        var path = Path.Combine(FilesDirectory, stored.Id.ToString("N") + ".bin");
        Assert.True(File.Exists(path));
        Assert.All(Directory.GetFiles(FilesDirectory), f => Assert.Matches("^[0-9a-f]{32}\\.bin$", Path.GetFileName(f)));
        Assert.False(File.Exists(Path.Combine(portal.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath ?? "", "<script>alert(1)</script>.jpg")));
        // Encrypted at rest: the stored bytes are not the JPEG.
        Assert.False((await File.ReadAllBytesAsync(path)).AsSpan().StartsWith(Jpeg().AsSpan(0, 3)));
        // Served back to its owner as the JPEG it is.
        using var served = await client.Http.GetAsync($"/me/reviews/files/{stored.Id}");
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Jpeg(), await served.Content.ReadAsByteArrayAsync());
        var (_, page) = await client.GetAsync(target);
        Assert.DoesNotContain("<script>alert(1)</script>", page);
    }

    [Fact]
    public async Task A_double_clicked_submit_creates_one_request()
    {
        var (client, _, _, registrationId) = await LinkedAsync(portal, "110105199003072311", "张伟");
        using var _c = client;
        var subject = (await ScoredSubjectsAsync(portal, registrationId))[1];
        var hidden = await client.ReadFormAsync("/me/reviews", $"apply-{registrationId}");

        var both = await Task.WhenAll(
            ApplyAsync(client, registrationId, subject, GoodFiles(), hidden: hidden),
            ApplyAsync(client, registrationId, subject, GoodFiles(), hidden: hidden));

        var targets = both.Select(r => r.RedirectTarget()).ToList();
        foreach (var r in both) r.Dispose();
        await using var db = await Db(portal);
        var request = await db.ReviewRequests.SingleAsync(r => r.RegistrationId == registrationId && r.SubjectId == subject);
        Assert.All(targets, t => Assert.StartsWith($"/me/reviews/{request.Id}?", t));
        Assert.Contains(targets, t => t.EndsWith("message=Review.Error.AlreadyOpen", StringComparison.Ordinal));
        Assert.Equal(3, await db.ReviewFiles.CountAsync(f => f.ReviewRequestId == request.Id));
        // The loser's files did not stay on disk: three per request, nothing orphaned.
        var known = await db.ReviewFiles.Select(f => f.Id).ToListAsync();
        Assert.All(Directory.GetFiles(FilesDirectory), f => Assert.Contains(Guid.ParseExact(Path.GetFileNameWithoutExtension(f), "N"), known));
    }
}
