using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Audit;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Audit;

/// <summary>
/// Issue #23, item 3: <c>/admin/audit/export.csv</c> over real HTTP, as a signed-in admin with the second factor:
/// the filtered range only, UTF-8 with a BOM, formula-safe, accounts named as on the page, and audited itself.
/// </summary>
public sealed class AuditExportTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<BrowserlessClient> SignedInAdminAsync(string adminEmail = "admin@scoreportal.demo")
    {
        var secret = await Authenticators.EnrollAsync(portal, adminEmail);
        var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(adminEmail, portal.DemoPassword);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }

    private static async Task<(byte[] Bytes, List<string> Lines)> ExportAsync(BrowserlessClient client, string query)
    {
        using var response = await client.Http.GetAsync(ExportAuditLog.Path + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"audit-", response.Content.Headers.ContentDisposition?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes.AsSpan(3)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        return (bytes, lines);
    }

    [Fact]
    public async Task One_actor_on_one_day_exports_only_their_entries_masked_formula_safe_with_a_bom_and_the_export_is_audited()
    {
        var data = await AuditLogTestData.WriteAsync(portal);
        using var client = await SignedInAdminAsync();
        var day = data.SecondDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var (bytes, lines) = await ExportAsync(client, $"?actor=candidate%40scoreportal.demo&from={day}&to={day}");

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("\"#\",\"时间\",\"操作\",\"操作人\",\"操作人角色\",\"对象类型\",\"对象\",\"详情\",\"哈希\"", lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.Contains($"\"{AuditActions.SignIn}\",\"c***@scoreportal.demo\",\"\",\"user\",\"c***@scoreportal.demo\"", lines[1]);
        // The hostile target starts with an apostrophe, its quotes doubled: a spreadsheet shows it as text.
        Assert.Contains($"\"{AuditActions.ReviewApply}\",\"c***@scoreportal.demo\",\"Candidate\",\"review\",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"x\"\")\"", lines[2]);
        Assert.DoesNotContain("candidate@scoreportal.demo", string.Join('\n', lines), StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.Contains($"\"{day}T", l));

        // The export's own entry: by the admin, the filter as ids (the typed email became the account id), the row count.
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.AuditExport).OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.Equal(data.AdminId, entry.ActorUserId);
        Assert.Equal("Admin", entry.ActorRole);
        Assert.Contains($"\"actorUserId\":\"{data.CandidateId}\"", entry.DataJson);
        Assert.Contains($"\"from\":\"{day}\"", entry.DataJson);
        Assert.Contains("\"rows\":\"2\"", entry.DataJson);
        Assert.DoesNotContain("@", entry.DataJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_review_case_number_or_a_batch_number_selects_that_objects_entries_and_an_unknown_account_selects_none()
    {
        var data = await AuditLogTestData.WriteAsync(portal);
        using var client = await SignedInAdminAsync("admin2@scoreportal.demo");
        var from = data.FirstDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var (_, review) = await ExportAsync(client, $"?object=review&id=FH2026H1-31-000077&from={from}");
        Assert.Single(review.Skip(1), l => l.Contains($"\"{AuditActions.ReviewScreen}\",\"staff.shanghai@scoreportal.demo\",\"Staff\",\"review\",\"77\""));
        Assert.All(review.Skip(1), l => Assert.Contains("\"review\",\"77\"", l));

        var (_, batch) = await ExportAsync(client, "?object=batch&id=41");
        Assert.Contains(batch.Skip(1), l => l.Contains($"\"{AuditActions.BatchApprove}\",\"admin2@scoreportal.demo\",\"Admin\",\"batch\",\"41\""));
        Assert.All(batch.Skip(1), l => Assert.Contains("\"batch\",\"41\"", l));

        var (_, nobody) = await ExportAsync(client, "?object=account&id=nobody%40scoreportal.demo");
        Assert.Single(nobody); // the header only
    }

    [Fact]
    public async Task Without_an_admins_sign_in_there_is_no_export()
    {
        using var anonymous = new BrowserlessClient(portal);
        using var response = await anonymous.Http.GetAsync(ExportAuditLog.Path);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);

        var (candidate, _, _) = await Me.CandidateTestSupport.SignedInCandidateAsync(portal);
        using (candidate)
        {
            using var refused = await candidate.Http.GetAsync(ExportAuditLog.Path);
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            Assert.NotEqual("text/csv", refused.Content.Headers.ContentType?.MediaType);
        }
    }
}
