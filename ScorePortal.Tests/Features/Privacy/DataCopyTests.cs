using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Privacy;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>A copy of my data at /me/data: what it holds, who may download it, for how long, and the second verification before it.</summary>
public sealed class DataCopyTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static string Text(byte[] pdf)
    {
        using var document = PigDocument.Open(pdf);
        return string.Concat(document.GetPages().Select(p => p.Text));
    }

    private async Task<(BrowserlessClient Client, string UserId, string Email, UsedCandidate Data, DataCopy Copy)> RequestedCopyAsync()
    {
        var (client, userId, email) = await SignedInCandidateAsync(portal);
        // Verified before the data exists: the test data's own email to this address must not be read as the code mail.
        await PassStepUpAsync(client, portal, email);
        var data = await DataCopyTestData.CreateAsync(portal, userId, email);
        using (var request = await client.SubmitAsync("/me/data", "data-copy-request", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.OK, request.StatusCode);
            Assert.Contains("data-copy-notice", await request.Content.ReadAsStringAsync());
        }
        var requested = await DataCopyTestData.LatestAsync(portal, userId);
        Assert.NotNull(requested);
        return (client, userId, email, data, await DataCopyTestData.PreparedAsync(portal, requested!.Id));
    }

    [Fact]
    public async Task The_copy_holds_every_kind_of_data_of_a_fully_used_candidate_and_nothing_of_another_person()
    {
        var (client, userId, email, data, copy) = await RequestedCopyAsync();
        using var _ = client;
        Assert.Equal(DataCopyStatus.Ready, copy.Status);

        using var jsonResponse = await client.Http.GetAsync($"/me/data/{copy.Id}/copy.json");
        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        Assert.Equal("application/json", jsonResponse.Content.Headers.ContentType?.MediaType);
        var json = await jsonResponse.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(DataCopyContent.CurrentFormat, root.GetProperty("format").GetString());
        // Written as text, not \u escapes: what the copy must not hold is searched in the very characters.
        Assert.Contains(data.Name, json);

        // Identity, in full for the owner.
        Assert.Equal(userId, root.GetProperty("account").GetProperty("id").GetString());
        Assert.Equal(email, root.GetProperty("account").GetProperty("email").GetString());
        var candidate = root.GetProperty("candidate");
        Assert.Equal(data.Name, candidate.GetProperty("name").GetString());
        Assert.Equal(data.IdNumber, candidate.GetProperty("idNumber").GetString());
        Assert.False(candidate.GetProperty("idNumberMasked").GetBoolean());

        // Scores with their versions and the batch versions that brought them.
        var registration = Assert.Single(root.GetProperty("registrations").EnumerateArray());
        var scores = registration.GetProperty("scores").EnumerateArray().ToList();
        Assert.Equal([1, 2], scores.Select(s => s.GetProperty("version").GetInt32()).Order());
        Assert.Equal(2, scores.Select(s => s.GetProperty("batchVersion").GetInt32()).Distinct().Count());
        Assert.Equal([41.5m, 43.5m], scores.Select(s => s.GetProperty("score").GetDecimal()).Order());

        // The report register, the review case with its timeline, consents and the enterprise access log.
        Assert.Single(root.GetProperty("reports").EnumerateArray());
        var review = Assert.Single(root.GetProperty("reviews").EnumerateArray());
        Assert.Equal(["Submitted", "Accepted"], review.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("status").GetString()));
        Assert.Contains("材料齐全", json);
        Assert.Single(root.GetProperty("consents").EnumerateArray());
        Assert.Single(root.GetProperty("enterpriseAccess").EnumerateArray());

        // Sign-in history and the account's own audited actions; the notices sent, without their bodies.
        Assert.NotEmpty(root.GetProperty("signInSessions").EnumerateArray());
        Assert.Contains(root.GetProperty("accountEvents").EnumerateArray(), e => e.GetProperty("action").GetString() == AuditActions.SignIn);
        Assert.Contains(root.GetProperty("notices").EnumerateArray(), n => n.GetProperty("subject").GetString() == data.NoticeSubject);

        using var pdfResponse = await client.Http.GetAsync($"/me/data/{copy.Id}/copy.pdf");
        Assert.Equal(HttpStatusCode.OK, pdfResponse.StatusCode);
        var text = Text(await pdfResponse.Content.ReadAsByteArrayAsync());
        Assert.Contains(data.Name, text);
        Assert.Contains(data.IdNumber, text);
        Assert.Contains("43.5", text);
        Assert.Contains(data.NoticeSubject.Split(' ')[1], text);

        // Nothing of anyone else: the other candidate of the same batches, the staff and the expert who handled the case, secrets.
        foreach (var (what, content) in new[] { ("json", json), ("pdf", text) })
        {
            foreach (var foreign in new[]
                     {
                         data.OtherName, data.OtherIdNumber, data.OtherScore, data.OtherEmployeeId, data.OtherSubject, data.StaffUserId, data.ExpertUserId,
                         "阅卷专家", "北京考试中心", "expert-comment", data.Secret,
                     })
                Assert.False(content.Contains(foreign, StringComparison.Ordinal), $"The {what} copy holds '{foreign}'.");
        }

        // Both the request and the downloads are audited, by id only.
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var entries = await db.AuditEntries.AsNoTracking().Where(a => a.ActorUserId == userId && a.Action.StartsWith("privacy.export")).ToListAsync();
        Assert.Contains(entries, e => e.Action == AuditActions.PrivacyExportRequest && e.TargetId == copy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, entries.Count(e => e.Action == AuditActions.PrivacyExportDownload && e.DataJson.Contains("\"ok\"", StringComparison.Ordinal)));
        Assert.DoesNotContain(entries, e => e.DataJson.Contains(data.Name, StringComparison.Ordinal) || e.DataJson.Contains(data.IdNumber, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_account_cannot_download_a_copy_and_the_owner_cannot_once_the_link_expired()
    {
        var (client, _, email, _, copy) = await RequestedCopyAsync();
        using var _c = client;

        // Someone else, verified a second time too, gets nothing.
        var (stranger, _, strangerEmail) = await SignedInCandidateAsync(portal);
        using var _s = stranger;
        await PassStepUpAsync(stranger, portal, strangerEmail);
        using (var refused = await stranger.Http.GetAsync($"/me/data/{copy.Id}/copy.json"))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using (var refused = await stranger.Http.GetAsync($"/me/data/{copy.Id}/copy.pdf"))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        // One request a day: a second one is refused while the first is valid.
        using (var again = await client.SubmitAsync("/me/data", "data-copy-request", new Dictionary<string, string>()))
            Assert.Contains("data-copy-error", await again.Content.ReadAsStringAsync());

        // 24 hours later the link has expired (the page says so), and after 7 days the copy is gone.
        // (The sign-in has ended by then too: the owner signs in again.)
        portal.Clock.Advance(TimeSpan.FromHours(25));
        using var later = new BrowserlessClient(portal);
        using (var signIn = await later.SignInAsync(email, Password))
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        await PassStepUpAsync(later, portal, email);
        using (var expired = await later.Http.GetAsync($"/me/data/{copy.Id}/copy.json"))
            Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        var (_, page) = await later.GetAsync("/me/data");
        Assert.Contains("data-state=\"Expired\"", page);

        portal.Clock.Advance(TimeSpan.FromDays(7));
        // The worker's own turn may have deleted it first; either way it is gone.
        await portal.Services.GetRequiredService<DataCopyPreparer>().DeleteOldAsync();
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.DataCopies.AnyAsync(c => c.Id == copy.Id));
    }

    [Fact]
    public async Task Asking_for_and_downloading_a_copy_needs_the_second_verification()
    {
        var (client, userId, email) = await SignedInCandidateAsync(portal);
        using var _ = client;

        var (status, page) = await client.GetAsync("/me/data");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-copy-stepup-needed", page);
        Assert.DoesNotContain("data-copy-request-form", page);

        await PassStepUpAsync(client, portal, email);
        using (var request = await client.SubmitAsync("/me/data", "data-copy-request", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.OK, request.StatusCode);
        var copy = await DataCopyTestData.PreparedAsync(portal, (await DataCopyTestData.LatestAsync(portal, userId))!.Id);

        // The verification lasts ten minutes: after that the file asks for it again.
        portal.Clock.Advance(TimeSpan.FromMinutes(11));
        using var download = await client.Http.GetAsync($"/me/data/{copy.Id}/copy.json");
        Assert.Equal(HttpStatusCode.Redirect, download.StatusCode);
        Assert.StartsWith("/Account/StepUp", download.RedirectTarget());
    }
}
