using System.Net.Http.Headers;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PdfSharp.Pdf;
using ScorePortal.Data;
using ScorePortal.Features.Reviews;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;

namespace ScorePortal.Tests.Features.Reviews;

/// <summary>Files, accounts and the apply form post, for the review tests.</summary>
internal static class ReviewTestSupport
{
    public const string LiNaId = "31010419880615478X";

    /// <summary>A real PDF with <paramref name="pages"/> blank pages, made with PDFsharp.</summary>
    public static byte[] Pdf(int pages = 1)
    {
        using var document = new PdfDocument();
        for (var i = 0; i < pages; i++) document.AddPage();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>JPEG and PNG start with their signatures; the check reads nothing more.</summary>
    public static byte[] Jpeg() => [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0x00, 0x01, 0x02, 0x03];

    public static byte[] Png() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D];

    /// <summary>A Windows executable (MZ header).</summary>
    public static byte[] Exe() => [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00];

    public static byte[] Html() => "<!DOCTYPE html><html><script>alert(1)</script></html>"u8.ToArray();

    /// <summary>A new candidate account linked to 李娜's demo record (Shanghai, 网络工程师, 应用技术 41).</summary>
    public static async Task<(BrowserlessClient Client, string UserId, string Email, int RegistrationId, int SubjectId)> LiNaAsync(PortalFactory portal)
    {
        var (client, userId, email) = await SignedInCandidateAsync(portal);
        var ticket = (await TicketsAsync(portal, IdType.ResidentId, LiNaId))[0];
        using var linked = await LinkAsync(client, IdType.ResidentId, LiNaId, "李娜", ticket);
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        await using var db = await Db(portal);
        var registration = await db.Registrations.Where(r => r.Candidate.UserId == userId).Select(r => new { r.Id, r.QualificationId }).SingleAsync();
        var subject = await db.Subjects.Where(s => s.QualificationId == registration.QualificationId && s.NameZh == "应用技术").Select(s => s.Id).SingleAsync();
        return (client, userId, email, registration.Id, subject);
    }

    /// <summary>A new candidate account linked to a featured demo record (its first registration).</summary>
    public static async Task<(BrowserlessClient Client, string UserId, string Email, int RegistrationId)> LinkedAsync(
        PortalFactory portal, string idNumber, string name)
    {
        var (client, userId, email) = await SignedInCandidateAsync(portal);
        var tickets = await TicketsAsync(portal, IdType.ResidentId, idNumber);
        using var linked = await LinkAsync(client, IdType.ResidentId, idNumber, name, tickets[^1]);
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        await using var db = await Db(portal);
        var now = DateTimeOffset.UtcNow;
        var registrations = await db.Registrations.Where(r => r.Candidate.UserId == userId && r.ExamSession.PublishedAt != null)
            .Select(r => new { r.Id, r.ExamSession.ReviewClosesAt }).ToListAsync();
        return (client, userId, email, registrations.OrderByDescending(r => r.ReviewClosesAt).First().Id);
    }

    /// <summary>The current subjects with a score of a registration, in catalog order.</summary>
    public static async Task<List<int>> ScoredSubjectsAsync(PortalFactory portal, int registrationId)
    {
        await using var db = await Db(portal);
        var rows = await db.SubjectScores.Where(s => s.RegistrationId == registrationId && s.IsCurrent && s.Status == ScorePortal.Model.ScoreStatus.Normal)
            .Select(s => new { s.SubjectId, s.Subject.SortOrder }).ToListAsync();
        return rows.OrderBy(r => r.SortOrder).Select(r => r.SubjectId).ToList();
    }

    /// <summary>A new account with a role and a province (staff or expert of a province the demo has no account for).</summary>
    public static async Task<string> AccountAsync(PortalFactory portal, string role, string? province)
    {
        var email = $"{role.ToLowerInvariant()}{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, ProvinceCode = province, CreatedAt = DateTimeOffset.UtcNow };
        Assert.True((await users.CreateAsync(user, "Account#2026pass")).Succeeded);
        await users.AddToRoleAsync(user, role);
        return user.Id;
    }

    /// <summary>Applies (online only, good files) and returns the new request's id.</summary>
    public static async Task<int> FiledAsync(BrowserlessClient client, int registrationId, int subjectId)
    {
        using var response = await ApplyAsync(client, registrationId, subjectId, GoodFiles());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = response.RedirectTarget();
        Assert.EndsWith("?filed=1", target);
        return int.Parse(target["/me/reviews/".Length..target.IndexOf('?')], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Staff accept the materials and upload a script: the request goes to re-marking.</summary>
    public static async Task RemarkingAsync(PortalFactory portal, string staffId, int requestId)
    {
        Assert.True((await portal.Services.GetRequiredService<ScreenReview>().HandleAsync(
            new ScreenReviewRequest(staffId, requestId, ScreenDecision.Accept, null))).Succeeded);
        using var script = new MemoryStream(Pdf(2));
        var started = await portal.Services.GetRequiredService<StartRemarking>().HandleAsync(new StartRemarkingRequest(staffId, requestId, script, script.Length));
        Assert.True(started.Succeeded, started.Error);
    }

    /// <summary>The assignments of a request: (assignment id, expert id).</summary>
    public static async Task<List<(int Id, string ExpertUserId)>> AssignmentsAsync(PortalFactory portal, int requestId)
    {
        await using var db = await Db(portal);
        var rows = await db.ExpertMarks.Where(m => m.ReviewRequestId == requestId).OrderBy(m => m.Id).Select(m => new { m.Id, m.ExpertUserId }).ToListAsync();
        return rows.Select(r => (r.Id, r.ExpertUserId)).ToList();
    }

    public static Task<ScorePortalDbContext> Db(PortalFactory portal) =>
        portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    public static async Task<string> UserIdOfAsync(PortalFactory portal, string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    public static Dictionary<string, (string FileName, byte[] Bytes)> GoodFiles() => new()
    {
        ["applicationForm"] = ("application.pdf", Pdf(2)),
        ["idCopy"] = ("id.jpg", Jpeg()),
        ["admissionTicket"] = ("ticket.png", Png()),
    };

    /// <summary>
    /// Posts the apply form of the registration as the browser does (multipart, with the page's antiforgery token).
    /// </summary>
    public static async Task<HttpResponseMessage> ApplyAsync(BrowserlessClient client, int registrationId, int subjectId,
        IReadOnlyDictionary<string, (string FileName, byte[] Bytes)> files, IReadOnlyDictionary<string, string>? fields = null,
        IReadOnlyDictionary<string, string>? hidden = null)
    {
        hidden ??= await client.ReadFormAsync("/me/reviews", $"apply-{registrationId}");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in hidden) content.Add(new StringContent(value), name);
        var values = new Dictionary<string, string>
        {
            ["subjectId"] = subjectId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["reason"] = nameof(ReviewReason.NearPassLine),
            ["delivery"] = nameof(ReviewDelivery.OnlineOnly),
        };
        foreach (var (key, value) in fields ?? new Dictionary<string, string>()) values[key] = value;
        foreach (var (name, value) in values) content.Add(new StringContent(value), name);
        foreach (var (name, (fileName, bytes)) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            content.Add(part, name, fileName);
        }
        return await client.Http.PostAsync("/me/reviews/apply", content);
    }
}
