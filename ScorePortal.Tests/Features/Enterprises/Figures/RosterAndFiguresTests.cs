using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises.Figures;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

/// <summary>The roster upload and the figures over real published results (<see cref="FiguresFixture"/>), and who may see them.</summary>
public sealed class RosterAndFiguresTests(FiguresFixture fixture) : IClassFixture<FiguresFixture>
{
    private static readonly CultureInfo ZhCn = CultureInfo.GetCultureInfo("zh-CN");

    private IServiceProvider Services => fixture.Portal.Services;

    [Fact]
    public async Task Upload_keeps_only_rows_with_a_consent_to_this_enterprise_that_is_active_and_says_how_many()
    {
        var stored = Assert.IsType<UploadRosterOutcome.Stored>(fixture.FirstUpload);
        Assert.Equal((15, 10, 5), (stored.Rows, stored.Kept, stored.Dropped));

        var roster = await EnterpriseTestData.RosterAsync(Services, fixture.EnterpriseA);
        // Revoked, closed, expired, given to enterprise B, never given: dropped. "e006" was normalized.
        Assert.Equal(["E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "F001", "F002"], roster.Select(r => r.EmployeeId));
        Assert.Equal(("财务部", 80m, 12m), (roster[8].Department, roster[8].Performance, roster[8].YearsOfService));
        // Enterprise B's upload touched only B's roster.
        Assert.Equal(["B002", "X-OTHER"], (await EnterpriseTestData.RosterAsync(Services, fixture.EnterpriseB)).Select(r => r.EmployeeId));
    }

    [Fact]
    public async Task A_bad_file_leaves_the_stored_roster_exactly_as_it_was()
    {
        var before = await EnterpriseTestData.RosterAsync(Services, fixture.EnterpriseA);
        var upload = Services.GetRequiredService<UploadRoster>();

        var duplicate = await upload.HandleAsync(new UploadRosterRequest(fixture.EnterpriseA, "figures-test",
            Encoding.UTF8.GetBytes("employee_id,department\nE001,新部门\nE002,新部门\nE001,新部门\n"), null));
        var refused = Assert.IsType<UploadRosterOutcome.Refused>(duplicate);
        Assert.Equal((4, "EnterpriseFigures.Row.Duplicate"), (Assert.Single(refused.Errors).Line, refused.Errors[0].Key));

        var tooLarge = await upload.HandleAsync(new UploadRosterRequest(fixture.EnterpriseA, "figures-test", new byte[2 * 1024 * 1024 + 1], null));
        Assert.Equal("EnterpriseFigures.File.TooLarge", Assert.IsType<UploadRosterOutcome.Invalid>(tooLarge).Key);
        Assert.Equal(["2", 20_000], ((UploadRosterOutcome.Invalid)tooLarge).Args);

        var notText = await upload.HandleAsync(new UploadRosterRequest(fixture.EnterpriseA, "figures-test", [0xFF, 0xFE, 0xFF, 0x00, 0x81], null));
        Assert.Equal("EnterpriseFigures.File.Encoding", Assert.IsType<UploadRosterOutcome.Invalid>(notText).Key);

        var after = await EnterpriseTestData.RosterAsync(Services, fixture.EnterpriseA);
        Assert.Equal(before.Select(r => (r.Id, r.EmployeeId, r.Department, r.UploadedAt)), after.Select(r => (r.Id, r.EmployeeId, r.Department, r.UploadedAt)));
    }

    [Fact]
    public async Task Uploads_are_audited_with_counts_and_never_an_employee_id()
    {
        var stored = await WaitForAuditAsync(AuditActions.EnterpriseRosterUpload, fixture.EnterpriseA);
        Assert.Contains("\"kept\":\"10\"", stored.DataJson);
        Assert.Contains("\"dropped\":\"5\"", stored.DataJson);
        Assert.DoesNotContain("E001", stored.DataJson);
        Assert.Equal("figures-test", stored.ActorUserId);

        await Services.GetRequiredService<UploadRoster>().HandleAsync(new UploadRosterRequest(fixture.EnterpriseA, "figures-test",
            Encoding.UTF8.GetBytes("employee_id,department\nE001,\n"), null));
        var refused = await WaitForAuditAsync(AuditActions.EnterpriseRosterUploadRefused, fixture.EnterpriseA);
        Assert.DoesNotContain("E001", refused.DataJson);
    }

    [Fact]
    public async Task Figures_count_consenting_employees_in_covered_qualifications_and_hide_small_groups()
    {
        var view = await Services.GetRequiredService<DepartmentFigures>().LoadAsync(fixture.EnterpriseA);

        // E008 revoked after the upload: gone from the figures at once, though still on the stored roster.
        Assert.Equal(9, view.People);
        Assert.Collection(view.PassRates,
            r => Assert.Equal(("研发中心", fixture.Covered.Code, "6", "5", "83.3%"), Row(r)),
            r => Assert.Equal(("财务部", fixture.Covered.Code, "<5", "<5", "<5"), Row(r)));
        // E007 passed a qualification their consent does not cover: not counted anywhere.
        Assert.DoesNotContain(view.PassRates, r => r.Qualification.Id == fixture.NotCovered.Id);
        Assert.DoesNotContain(view.Certificates, c => c.Qualification.Id == fixture.NotCovered.Id);

        // Six holders, but 财务部's one would follow from 6 − 5: the total is hidden.
        var certificates = Assert.Single(view.Certificates);
        Assert.Equal(FigureState.Hidden, certificates.Holders.State);

        // E006 passed one subject of two in the exam year; it counts through the next exam year's sittings.
        var lapse = Assert.Single(view.Lapses);
        Assert.Equal(("研发中心", new Sitting(fixture.ExamYear + 1, ExamHalf.H2), "<5"), (lapse.Department, lapse.LapsesAfter, lapse.People.Text(ZhCn)));

        Assert.True(view.Talent.Correlation!.TooFew);
        Assert.Equal(9, view.Talent.Correlation.N);
        Assert.Equal(
            [("0–2", "6", "5", "83.3%"), ("2–5", "<5", "<5", "<5"), ("5–10", "<5", "<5", "<5"), ("≥ 10", "<5", "<5", "<5")],
            view.Talent.Bands.Select(b => (b.Band.Label, b.Sat.Text(ZhCn), b.Passed.Text(ZhCn), b.Rate.Text(ZhCn))));
    }

    [Fact]
    public async Task A_member_sees_the_figures_and_the_export_of_their_own_enterprise_only()
    {
        using var a = await SignedInAsync(FiguresFixture.MemberA);
        using var b = await SignedInAsync(FiguresFixture.MemberB);

        var (statusA, pageA) = await a.GetAsync("/enterprise/figures");
        var (statusB, pageB) = await b.GetAsync("/enterprise/figures");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (statusA, statusB));
        Assert.Contains("研发中心", pageA);
        Assert.Contains("&lt;5", pageA);
        Assert.DoesNotContain(FiguresFixture.BDepartment, pageA);
        Assert.Contains(FiguresFixture.BDepartment, pageB);
        Assert.DoesNotContain("研发中心", pageB);

        using var exportA = await a.Http.GetAsync("/enterprise/figures/export.csv");
        Assert.Equal(HttpStatusCode.OK, exportA.StatusCode);
        var csv = await exportA.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), csv[..3]);
        var text = Encoding.UTF8.GetString(csv);
        Assert.Contains("财务部," + fixture.Covered.Code, text);
        Assert.Contains(",<5,<5,<5", text);
        Assert.DoesNotContain(FiguresFixture.BDepartment, text);
        Assert.DoesNotContain("E001", text);

        using var exportB = await b.Http.GetAsync("/enterprise/figures/export.csv");
        var textB = await exportB.Content.ReadAsStringAsync();
        Assert.Contains(FiguresFixture.BDepartment, textB);
        Assert.DoesNotContain("研发中心", textB);
        await WaitForAuditAsync(AuditActions.EnterpriseFiguresExport, fixture.EnterpriseA);
    }

    [Fact]
    public async Task An_enterprise_account_of_no_enterprise_sees_no_figures_and_exports_nothing()
    {
        using var client = await SignedInAsync(FiguresFixture.MemberWithout);

        var (status, page) = await client.GetAsync("/enterprise/figures");
        using var export = await client.Http.GetAsync("/enterprise/figures/export.csv");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("figures-no-enterprise", page);
        Assert.DoesNotContain("研发中心", page);
        Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);
    }

    [Fact]
    public async Task Anonymous_visitors_and_candidates_are_refused_the_page_the_export_and_the_template()
    {
        using var anonymous = new BrowserlessClient(fixture.Portal);
        foreach (var path in new[] { "/enterprise/figures", "/enterprise/figures/export.csv", "/enterprise/figures/roster-template.csv" })
        {
            using var response = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/Login", response.RedirectTarget());
        }

        using var candidate = new BrowserlessClient(fixture.Portal);
        using var signIn = await candidate.SignInAsync("candidate@scoreportal.demo", fixture.Portal.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        foreach (var path in new[] { "/enterprise/figures", "/enterprise/figures/export.csv" })
        {
            using var response = await candidate.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.RedirectTarget());
        }
    }

    [Fact]
    public async Task An_enterprise_account_signed_in_without_its_second_factor_is_kept_out()
    {
        const string email = "figures-no-mfa@example.org";
        await EnterpriseTestData.MemberAsync(Services, fixture.EnterpriseA, email, FiguresFixture.Password, enrolled: false);
        using var client = new BrowserlessClient(fixture.Portal);
        using var signIn = await client.SignInAsync(email, FiguresFixture.Password);

        using var response = await client.Http.GetAsync("/enterprise/figures/export.csv");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("研发中心", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_template_downloads_as_a_roster_the_upload_accepts()
    {
        using var client = await SignedInAsync(FiguresFixture.MemberA);

        using var response = await client.Http.GetAsync("/enterprise/figures/roster-template.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.IsType<RosterRead.Rows>(RosterFile.Read(await response.Content.ReadAsByteArrayAsync(), 100));
    }

    private static (string, string, string, string, string) Row(PassRateRow r) =>
        (r.Department, r.Qualification.Code, r.Sat.Text(ZhCn), r.Passed.Text(ZhCn), r.Rate.Text(ZhCn));

    /// <summary>Password, then the authenticator code of the portal's clock (amr=mfa), as the enterprise area requires.</summary>
    private async Task<BrowserlessClient> SignedInAsync(string email)
    {
        var client = new BrowserlessClient(fixture.Portal);
        using var first = await client.SignInAsync(email, FiguresFixture.Password);
        Assert.StartsWith("/Account/LoginWith2fa", first.RedirectTarget());
        // Each sign-in takes the next time step: a step is accepted once per account.
        fixture.Portal.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = Authenticators.CodeAt(fixture.Keys[email], fixture.Portal.Clock.GetUtcNow());
        using var second = await client.SubmitAsync(first.RedirectTarget(), "login-2fa", new Dictionary<string, string> { ["Input.Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }

    private async Task<AuditEntry> WaitForAuditAsync(string action, int enterpriseId)
    {
        var target = enterpriseId.ToString(CultureInfo.InvariantCulture);
        // A deadline rather than a number of tries: on a loaded machine the audit writer's batch can take seconds.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
            if (await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.TargetId == target).OrderByDescending(e => e.Id).FirstOrDefaultAsync() is { } entry)
                return entry;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No audit entry {action}");
    }
}
