using System.Net.Http.Headers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Batches;
using ScorePortal.Features.Reports;
using ScorePortal.Model;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.Features.Reports;

/// <summary>Issuing, re-downloading, revoking and verifying score reports through the candidate area and /verify.</summary>
public sealed class ReportRegisterTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Download_asks_for_the_second_verification_then_issues_one_signed_report_per_version()
    {
        var (client, _, email) = await LinkedCandidateAsync("320102199211083808", "杨U+20BB7");
        using var _c = client;
        var registrationId = await RegistrationIdAsync("320102199211083808");

        using (var before = await IssueAsync(client, registrationId, "zh-CN"))
        {
            Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
            Assert.StartsWith("/Account/StepUp", before.RedirectTarget());
        }

        await PassStepUpAsync(client, portal, email);
        using var first = await IssueAsync(client, registrationId, "zh-CN");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/pdf", first.Content.Headers.ContentType?.MediaType);
        var pdf = await first.Content.ReadAsByteArrayAsync();

        using (var document = PigDocument.Open(pdf))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains("\U00020BB7", text);
            var issue = await SingleIssueAsync(registrationId, "zh-CN");
            Assert.Contains(VerificationCode.Grouped(issue.VerificationCode), text);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), issue.FileSha256);
            // Stored sealed: the register holds no readable PDF.
            Assert.False(issue.EncryptedFile.AsSpan().IndexOf("%PDF"u8) >= 0);
        }

        // Same figures, same language: the same file again, not a second report.
        using var again = await IssueAsync(client, registrationId, "zh-CN");
        Assert.Equal(pdf, await again.Content.ReadAsByteArrayAsync());
        // Another language is its own report.
        using var english = await IssueAsync(client, registrationId, "en-US");
        Assert.Equal(HttpStatusCode.OK, english.StatusCode);
        await using var db = await Db();
        Assert.Equal(2, await db.ReportIssues.CountAsync(r => r.RegistrationId == registrationId));
    }

    [Fact]
    public async Task Another_candidates_report_is_not_found_and_cannot_be_revoked()
    {
        var (owner, _, ownerEmail) = await LinkedCandidateAsync("370102199608302908", "孙丽");
        using var _o = owner;
        await PassStepUpAsync(owner, portal, ownerEmail);
        var registrationId = await RegistrationIdAsync("370102199608302908");
        using (var issued = await IssueAsync(owner, registrationId, "zh-CN")) Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var report = await SingleIssueAsync(registrationId, "zh-CN");

        var (other, otherId, otherEmail) = await LinkedCandidateAsync("31010419880615478X", "李娜");
        using var _x = other;
        await PassStepUpAsync(other, portal, otherEmail);

        using (var download = await other.Http.GetAsync($"/me/reports/{report.Id}/file")) Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        using (var issueOthers = await IssueAsync(other, registrationId, "zh-CN")) Assert.Equal(HttpStatusCode.NotFound, issueOthers.StatusCode);
        var (_, list) = await other.GetAsync("/me/reports");
        Assert.DoesNotContain(report.VerificationCode, list);
        // The confirmation is not even offered for someone else's report, and the use case refuses it.
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.ReadFormAsync($"/me/reports?revoke={report.Id}", $"revoke-{report.Id}"));
        Assert.False(await portal.Services.GetRequiredService<RevokeReport>().HandleAsync(new RevokeReportRequest(otherId, report.Id, null)));

        await using var db = await Db();
        Assert.Equal(ReportStatus.Valid, await db.ReportIssues.Where(r => r.Id == report.Id).Select(r => r.Status).SingleAsync());
    }

    [Fact]
    public async Task Verification_shows_the_figures_as_issued_and_the_status_after_a_revocation()
    {
        var (client, _, email) = await LinkedCandidateAsync("650102199302267414", "买买提•艾力");
        using var _c = client;
        await PassStepUpAsync(client, portal, email);
        var registrationId = await RegistrationIdAsync("650102199302267414");
        byte[] pdf;
        using (var issued = await IssueAsync(client, registrationId, "zh-CN")) pdf = await issued.Content.ReadAsByteArrayAsync();
        var report = await SingleIssueAsync(registrationId, "zh-CN");

        using var anonymous = new BrowserlessClient(portal);
        var (status, valid) = await anonymous.GetAsync("/verify/" + VerificationCode.Grouped(report.VerificationCode).ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-status=\"Valid\"", valid);
        Assert.Contains("买**·**", valid);
        Assert.DoesNotContain("艾力", valid);

        // One character changed: not found, the same page as for garbage.
        var tampered = report.VerificationCode[..^1] + (report.VerificationCode[^1] == 'A' ? 'B' : 'A');
        var (_, notFound) = await anonymous.GetAsync("/verify?code=" + tampered);
        Assert.Contains("data-testid=\"verify-not-found\"", notFound);

        var genuine = await UploadAsync(anonymous, pdf);
        Assert.Contains("文件真实有效", genuine);
        var altered = (byte[])pdf.Clone();
        var at = pdf.AsSpan().IndexOf("/Producer"u8);
        altered[at > 0 ? at + 2 : pdf.Length / 3] ^= 0x01;
        Assert.Contains("签名后内容被修改过", await UploadAsync(anonymous, altered));
        Assert.Contains("没有本门户的数字签名", await UploadAsync(anonymous, Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")));

        using (var confirm = await client.SubmitAsync($"/me/reports?revoke={report.Id}", $"revoke-{report.Id}", new Dictionary<string, string>()))
            Assert.Contains("data-testid=\"reports-notice\"", await confirm.Content.ReadAsStringAsync());
        var (_, revoked) = await anonymous.GetAsync("/verify/" + report.VerificationCode);
        Assert.Contains("data-status=\"Revoked\"", revoked);
        using (var download = await client.Http.GetAsync($"/me/reports/{report.Id}/file")) Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);

        await using var db = await Db();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "report.revoke" && e.TargetId == report.Id.ToString()));
        Assert.True(await db.AuditEntries.CountAsync(e => e.Action == "report.verify") >= 3);
    }

    [Fact]
    public async Task A_double_clicked_download_issues_one_report()
    {
        var (client, _, email) = await LinkedCandidateAsync("330106198704125212", "赵䶮");
        using var _c = client;
        await PassStepUpAsync(client, portal, email);
        var registrationId = await RegistrationIdAsync("330106198704125212");

        var responses = await Task.WhenAll(IssueAsync(client, registrationId, "en-US"), IssueAsync(client, registrationId, "en-US"));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(await responses[0].Content.ReadAsByteArrayAsync(), await responses[1].Content.ReadAsByteArrayAsync());
        foreach (var r in responses) r.Dispose();
        await using var db = await Db();
        Assert.Equal(1, await db.ReportIssues.CountAsync(r => r.RegistrationId == registrationId));
    }

    [Fact]
    public async Task Verification_by_code_is_rate_limited_per_address()
    {
        await using var limited = PortalFactory.With(new Dictionary<string, string?> { ["PublicForms:VerificationsPerAddressPerMinute"] = "3" });
        using var client = new BrowserlessClient(limited);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/verify?code=" + VerificationCode.New())).Status);

        var (status, _) = await client.GetAsync("/verify?code=" + VerificationCode.New());
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    private Task<(BrowserlessClient Client, string UserId, string Email)> LinkedCandidateAsync(string idNumber, string name) =>
        ReportSteps.LinkedCandidateAsync(portal, idNumber, name);

    private Task<int> RegistrationIdAsync(string idNumber) => ReportSteps.RegistrationIdAsync(portal, idNumber);

    private Task<ReportIssue> SingleIssueAsync(int registrationId, string culture) => ReportSteps.SingleIssueAsync(portal, registrationId, culture);

    private static Task<HttpResponseMessage> IssueAsync(BrowserlessClient client, int registrationId, string culture) =>
        ReportSteps.IssueAsync(client, registrationId, culture);

    private static Task<string> UploadAsync(BrowserlessClient client, byte[] file) => ReportSteps.UploadAsync(client, file);

    private Task<ScorePortalDbContext> Db() => ReportSteps.Db(portal);
}

/// <summary>A retraction changes the whole demo session, so it runs on a portal of its own.</summary>
public sealed class ReportSupersedeTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task Retracting_the_batch_behind_a_report_marks_it_superseded_and_verify_keeps_the_old_figures()
    {
        var (client, _, email) = await ReportSteps.LinkedCandidateAsync(portal, "420106198507191503", "陈静");
        using var _c = client;
        await PassStepUpAsync(client, portal, email);
        var registrationId = await ReportSteps.RegistrationIdAsync(portal, "420106198507191503");
        using (var issued = await ReportSteps.IssueAsync(client, registrationId, "en-US")) Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var report = await ReportSteps.SingleIssueAsync(portal, registrationId, "en-US");

        int batchId;
        string adminId;
        await using (var db = await ReportSteps.Db(portal))
        {
            batchId = await db.SubjectScores.Where(s => s.RegistrationId == registrationId && s.IsCurrent).Select(s => s.ResultBatchId).FirstAsync();
            adminId = await db.Users.Where(u => u.Email == "admin@scoreportal.demo").Select(u => u.Id).SingleAsync();
        }
        var retracted = await portal.Services.GetRequiredService<RetractBatch>().HandleAsync(new RetractBatchRequest(batchId, adminId, "Wrong marks in room 12"));
        Assert.True(retracted.Succeeded, retracted.ErrorKey);

        using var anonymous = new BrowserlessClient(portal);
        var (_, html) = await anonymous.GetAsync("/verify/" + report.VerificationCode);
        Assert.Contains("data-status=\"Superseded\"", html);
        Assert.Contains("请向考生索取最新成绩单", html);
    }

}

internal static class ReportSteps
{
    public static async Task<(BrowserlessClient Client, string UserId, string Email)> LinkedCandidateAsync(DemoPortal portal, string idNumber, string name)
    {
        var candidate = await SignedInCandidateAsync(portal);
        var ticket = (await TicketsAsync(portal, IdType.ResidentId, idNumber))[^1];
        using var linked = await LinkAsync(candidate.Client, IdType.ResidentId, idNumber, name, ticket);
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        return candidate;
    }

    public static async Task<int> RegistrationIdAsync(DemoPortal portal, string idNumber)
    {
        var index = portal.Services.GetRequiredService<BlindIndex>().Compute(IdType.ResidentId, idNumber);
        await using var db = await Db(portal);
        var now = portal.Clock.GetUtcNow();
        var registrations = await db.Registrations
            .Where(r => r.Candidate.IdNumberIndex == index && r.ExamSession.PublishedAt != null)
            .Select(r => new { r.Id, r.ExamSession.ReleaseAt }).ToListAsync();
        return registrations.Where(r => r.ReleaseAt <= now).OrderByDescending(r => r.ReleaseAt).First().Id;
    }

    public static async Task<ReportIssue> SingleIssueAsync(PortalFactory portal, int registrationId, string culture)
    {
        await using var db = await Db(portal);
        return await db.ReportIssues.AsNoTracking().SingleAsync(r => r.RegistrationId == registrationId && r.Culture == culture);
    }

    public static async Task<HttpResponseMessage> IssueAsync(BrowserlessClient client, int registrationId, string culture)
    {
        var (_, page) = await client.GetAsync("/me");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.Http.PostAsync("/me/reports/issue", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token),
            ["registrationId"] = registrationId.ToString(),
            ["culture"] = culture,
        }));
    }

    public static async Task<string> UploadAsync(BrowserlessClient client, byte[] file)
    {
        var hidden = await client.ReadFormAsync("/verify", "verify-file");
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in hidden) content.Add(new StringContent(value), key);
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        content.Add(part, "ReportFile", "report.pdf");
        using var response = await client.Http.PostAsync("/verify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public static Task<ScorePortalDbContext> Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
}
