using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Features.Privacy;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>An admin answers a paper request at /admin/privacy-requests: find the record, give a reason, confirm with a fresh code.</summary>
public sealed class PrivacyRequestExportTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Admin = "admin@scoreportal.demo";
    private const string OtherAdmin = "admin2@scoreportal.demo";

    private async Task<string> IdOfAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!.Id;
    }

    private async Task<PrivacyRequestSubject?> FindAsync(PrivacyRequestSearch by, string value, IdType type = IdType.Passport)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var (subject, error) = await scope.ServiceProvider.GetRequiredService<PrivacyRequestFind>().HandleAsync(new PrivacyRequestFindRequest(by, type, value));
        Assert.Null(error);
        return subject;
    }

    private Task<AccountAdminResult> ExportAsync(PrivacyRequestSubject subject, string? reason, AccountActor actor) =>
        portal.Services.GetRequiredService<PrivacyRequestExport>().HandleAsync(
            new PrivacyRequestExportRequest(subject.UserId, subject.CandidateId, reason, "en-US", actor));

    [Fact]
    public async Task An_admin_finds_a_record_by_id_number_or_email_and_exports_it_with_a_reason_and_a_fresh_code()
    {
        var (client, userId, email) = await SignedInCandidateAsync(portal);
        client.Dispose();
        var data = await DataCopyTestData.CreateAsync(portal, userId, email);
        var adminId = await IdOfAsync(Admin);

        var byId = await FindAsync(PrivacyRequestSearch.IdNumber, data.IdNumber);
        Assert.NotNull(byId);
        Assert.Equal(data.CandidateId, byId!.CandidateId);
        Assert.Equal(userId, byId.UserId);
        Assert.DoesNotContain(data.IdNumber, byId.MaskedIdNumber);
        var byEmail = await FindAsync(PrivacyRequestSearch.Email, email.ToUpperInvariant());
        Assert.Equal(byId, byEmail);
        Assert.Null(await FindAsync(PrivacyRequestSearch.IdNumber, "PZ" + Guid.NewGuid().ToString("N")[..8]));

        // No reason: refused before anything is read or written.
        var before = await CopiesAsync();
        var noReason = await ExportAsync(byId, "  ", AccountActor.Admin(adminId, await Authenticators.NextCodeAsync(portal, Admin)));
        Assert.False(noReason.Succeeded);
        Assert.Equal("PrivacyRequests.Error.ReasonRequired", noReason.ErrorKey);
        Assert.Equal("Reason", noReason.Errors[0].Field);
        // No code, or a wrong one: refused too.
        var noCode = await ExportAsync(byId, "Paper request 17", AccountActor.Admin(adminId, null));
        Assert.Equal(AccountAdminErrors.CodeRequired, noCode.ErrorKey);
        Assert.Equal(before, await CopiesAsync());

        const string reason = "Paper request 2026-17, ID card checked at the counter";
        var done = await ExportAsync(byId, reason, AccountActor.Admin(adminId, await Authenticators.NextCodeAsync(portal, Admin)));
        Assert.True(done.Succeeded, done.ErrorKey);
        var copy = await DataCopyTestData.PreparedAsync(portal, (await DataCopyTestData.LatestAsync(portal, adminId))!.Id);
        Assert.True(copy.ForRequest);

        var files = portal.Services.GetRequiredService<DataCopyFiles>();
        var json = await files.OpenAsync(adminId, Roles.Admin, copy.Id, DataCopyFormat.Json, null);
        Assert.NotNull(json);
        using var doc = JsonDocument.Parse(json!.Content);
        var candidate = doc.RootElement.GetProperty("candidate");
        Assert.True(candidate.GetProperty("idNumberMasked").GetBoolean());
        Assert.NotEqual(data.IdNumber, candidate.GetProperty("idNumber").GetString());
        Assert.Equal(data.Name, candidate.GetProperty("name").GetString());
        Assert.Single(doc.RootElement.GetProperty("reviews").EnumerateArray());
        var pdf = await files.OpenAsync(adminId, Roles.Admin, copy.Id, DataCopyFormat.Pdf, null);
        using (var document = PigDocument.Open(pdf!.Content))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains("Copy of personal data", text);
            Assert.Contains(data.Name, text);
            Assert.DoesNotContain(data.IdNumber, text);
            Assert.DoesNotContain(data.OtherName, text);
        }

        // Only the admin who prepared it opens it; the reason is in the audit log with the subject's ids.
        Assert.Null(await files.OpenAsync(await IdOfAsync(OtherAdmin), Roles.Admin, copy.Id, DataCopyFormat.Json, null));
        Assert.Null(await files.OpenAsync(userId, Roles.Candidate, copy.Id, DataCopyFormat.Json, null));
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.AsNoTracking()
            .SingleAsync(a => a.Action == AuditActions.PrivacyExportForRequest && a.TargetId == copy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(adminId, entry.ActorUserId);
        Assert.Contains(reason, entry.DataJson);
        Assert.Contains(userId, entry.DataJson);
        Assert.DoesNotContain(data.Name, entry.DataJson);
    }

    private async Task<int> CopiesAsync()
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return await db.DataCopies.CountAsync();
    }
}
