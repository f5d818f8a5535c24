using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Account.Admin;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Privacy;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ScorePortal.Tests.Features.Privacy;

/// <summary>
/// Issue #24, item 5: the yearly data-security report counts the audit log, the alerts and the enterprise access log
/// of a year, holds figures and nothing about a person, is published only with the admin's fresh authenticator code,
/// stays as published, and reads the same in its PDF.
/// </summary>
public sealed class DataSecurityReportTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string Admin = "admin@scoreportal.demo";

    private DataSecurityReportFigures Counter => portal.Services.GetRequiredService<DataSecurityReportFigures>();

    private DateTimeOffset Now => portal.Clock.GetUtcNow();

    private Task<ScorePortalDbContext> Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    private async Task AuditAsync(string action, int times, Dictionary<string, string?>? data = null)
    {
        var log = portal.Services.GetRequiredService<AuditLog>();
        for (var i = 0; i < times; i++) await log.WriteDurableAsync(new AuditRecord(action, ActorUserId: "someone", Data: data));
    }

    private async Task<string> AdminIdAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(Admin))!.Id;
    }

    /// <summary>Everything each figure counts, seeded once more: lookups, blocks, alerts, API calls, requests, rotations, a retention run.</summary>
    private async Task SeedAsync()
    {
        await AuditAsync(AuditActions.ScoreLookup, 3, new() { ["channel"] = "web", ["result"] = "matched" });
        await AuditAsync(AuditActions.ScoreLookup, 2, new() { ["channel"] = "web", ["result"] = "no-match" });
        await AuditAsync(AuditActions.PrivacyExportRequest, 2);
        await AuditAsync(AuditActions.PrivacyExportForRequest, 1, new() { ["result"] = "success" });
        await AuditAsync(AuditActions.AccountClose, 1, new() { ["result"] = "success" });
        await AuditAsync(AuditActions.AccountClose, 1, new() { ["result"] = "wrong-code" });
        await AuditAsync(AuditActions.KeyRotation, 2, new() { ["rows"] = "10" });
        await AuditAsync(AuditActions.AddressBlockLift, 1, new() { ["reason"] = "a school's shared address" });
        await AuditAsync(AuditActions.RetentionRun, 1, new() { ["unconfirmed-accounts"] = "4", ["review-materials"] = "3" });
        await using var db = await Db();
        db.Alerts.AddRange(
            new Alert { RaisedAt = Now, Kind = "lookup.enumeration", Severity = AlertSeverity.Critical, SubjectKey = "ip:1", Details = "blocked", AcknowledgedAt = Now },
            new Alert { RaisedAt = Now, Kind = FieldIntegrityAlerts.Kind, Severity = AlertSeverity.Critical, SubjectKey = "row", Details = "does not open" },
            new Alert { RaisedAt = Now, Kind = "lookup.wrong-names", Severity = AlertSeverity.Warning, SubjectKey = "ip:2", Details = "watch" });
        db.ApiAccessLog.AddRange(
            new ApiAccess { At = Now, EnterpriseId = 1, ApiKeyId = 1, Outcome = "success", Fields = "score,pass" },
            new ApiAccess { At = Now, EnterpriseId = 1, ApiKeyId = 1, Outcome = "rate_limited" },
            new ApiAccess { At = Now, EnterpriseId = 1, ApiKeyId = 1, Outcome = "no_consent" });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_figures_of_a_year_count_what_was_seeded_and_another_year_is_untouched()
    {
        var year = Counter.CurrentYear;
        var before = await Counter.CountAsync(year);
        var lastYear = await Counter.CountAsync(year - 1);

        await SeedAsync();
        var after = await Counter.CountAsync(year);

        long Added(string section, string key) => after[section, key] - before[section, key];
        Assert.Equal((5L, 3L, 2L), (Added("lookups", "served"), Added("lookups", "matched"), Added("lookups", "noMatch")));
        Assert.Equal((1L, 1L, 1L, 2L), (Added("protection", "addressBlocks"), Added("protection", "blocksLifted"),
            Added("protection", "apiThrottled"), Added("protection", "apiRefused")));
        Assert.Equal((3L, 2L, 1L, 0L, 1L, 2L), (Added("alerts", "raised"), Added("alerts", "critical"), Added("alerts", "warning"),
            Added("alerts", "info"), Added("alerts", "acknowledged"), Added("alerts", "open")));
        Assert.Equal((1L, 1L, 1L, 0L), (Added("enterprise", "answered"), Added("enterprise", ConsentFields.Score),
            Added("enterprise", ConsentFields.Pass), Added("enterprise", ConsentFields.CertNo)));
        // A refused closing (a wrong code) is not a closing.
        Assert.Equal((2L, 1L, 1L), (Added("rights", "exportRequests"), Added("rights", "exportsForRequests"), Added("rights", "accountClosings")));
        Assert.Equal((2L, 1L), (Added("security", "keyRotations"), Added("security", "incidents")));
        Assert.Equal((1L, 4L, 3L), (Added("retention", "runs"), Added("retention", "unconfirmed-accounts"), Added("retention", "review-materials")));

        Assert.Equal(lastYear.Figures, (await Counter.CountAsync(year - 1)).Figures);
        Assert.Equal(new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)), after.From);
    }

    [Fact]
    public async Task Requests_the_limits_turned_away_are_tallied_per_instance_and_counted_in_the_year()
    {
        var year = Counter.CurrentYear;
        var before = await Counter.CountAsync(year);
        var tally = portal.Services.GetRequiredService<ThrottleTally>();
        var writer = portal.Services.GetServices<IHostedService>().OfType<ThrottleTallyWriter>().Single();

        for (var i = 0; i < 3; i++) tally.LookupRefused();
        for (var i = 0; i < 2; i++) tally.FormRefused();
        await writer.WriteAsync(CancellationToken.None);
        await writer.WriteAsync(CancellationToken.None); // nothing new: no second entry
        // A durable entry behind it: the tally's entry (queued first) is committed when this one is.
        await AuditAsync(AuditActions.KeyRotation, 1, new() { ["rows"] = "0" });

        var after = await Counter.CountAsync(year);
        Assert.Equal((3L, 2L), (after["protection", "lookupsThrottled"] - before["protection", "lookupsThrottled"],
            after["protection", "formsThrottled"] - before["protection", "formsThrottled"]));
        Assert.Equal((0L, 0L), tally.Take());
        await using var db = await Db();
        var entry = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ThrottledRequests)
            .OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.Equal("""{"forms":"2","lookups":"3"}""", entry.DataJson);
    }

    [Fact]
    public async Task Publishing_needs_a_valid_code_and_freezes_figures_that_name_nobody_the_page_and_PDF_show_them()
    {
        await SeedAsync();
        var year = Counter.CurrentYear;
        var adminId = await AdminIdAsync();
        var publish = portal.Services.GetRequiredService<PublishDataSecurityReport>();
        await Authenticators.EnrollAsync(portal, Admin);

        var refused = await publish.HandleAsync(new PublishDataSecurityReportRequest(year, adminId, "000000"));
        Assert.Equal(AccountAdminErrors.WrongCode, refused.Error);
        var noCode = await publish.HandleAsync(new PublishDataSecurityReportRequest(year, adminId, null));
        Assert.Equal(AccountAdminErrors.CodeRequired, noCode.Error);
        await using (var db = await Db())
            Assert.False(await db.DataSecurityReports.AnyAsync(r => r.Year == year));

        var published = await publish.HandleAsync(new PublishDataSecurityReportRequest(year, adminId, await Authenticators.NextCodeAsync(portal, Admin)));
        Assert.True(published.Succeeded, published.Error);
        var served = published.Figures!["lookups", "served"];
        Assert.True(served >= 5);

        string json;
        await using (var db = await Db())
        {
            var stored = await db.DataSecurityReports.AsNoTracking().SingleAsync(r => r.Year == year);
            Assert.Equal(adminId, stored.PublishedByUserId);
            json = stored.FiguresJson;
            var entry = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.DataSecurityReportPublish)
                .OrderByDescending(e => e.Sequence).FirstAsync();
            Assert.Contains("\"result\":\"success\"", entry.DataJson);
            Assert.Equal(year.ToString(CultureInfo.InvariantCulture), entry.TargetId);
            // Figures only: no address, no name, no ID number of anyone the demo holds.
            var people = await db.Users.Select(u => u.Email!).Take(20).ToListAsync();
            var candidates = await db.Candidates.Select(c => new { c.Name, c.IdNumber }).Take(20).ToListAsync();
            Assert.DoesNotContain("@", json);
            Assert.All(people, e => Assert.DoesNotContain(e, json));
            Assert.All(candidates, c => Assert.DoesNotContain(c.Name, json));
            Assert.All(candidates, c => Assert.DoesNotContain(c.IdNumber, json));
        }
        Assert.All(published.Figures.Figures, f => Assert.Contains(f.Section, DataSecurityFigures.Sections));

        // Later lookups do not change what was published.
        await AuditAsync(AuditActions.ScoreLookup, 4, new() { ["channel"] = "web", ["result"] = "matched" });
        using var client = new BrowserlessClient(portal);
        var (status, html) = await client.GetAsync("/data-security?year=" + year);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-testid=\"figure-lookups-served\">{served.ToString("N0", CultureInfo.InvariantCulture)}<", html);
        Assert.Contains($"{year} 年度数据安全白皮书", html);

        using var pdf = await client.Http.GetAsync($"/data-security/{year}/report.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var document = PigDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Concat(document.GetPages().Select(p => p.Text));
        Assert.Contains("数据安全白皮书", text);
        Assert.Contains("查询次数", text);
        Assert.Contains(served.ToString("N0", CultureInfo.InvariantCulture), text);
        Assert.DoesNotContain("@", text);

        using var missing = await client.Http.GetAsync($"/data-security/{year - 5}/report.pdf");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Entries_moved_to_the_signed_archives_are_still_counted_so_a_year_never_shrinks()
    {
        await using var fresh = new PortalFactory();
        var s = fresh.Services;
        var log = s.GetRequiredService<AuditLog>();
        for (var i = 0; i < 5; i++)
            await log.WriteDurableAsync(new AuditRecord(AuditActions.ScoreLookup, Data: new Dictionary<string, string?> { ["channel"] = "web", ["result"] = "matched" }));
        await s.GetRequiredService<AuditCheckpoints>().CreateAsync();
        await log.WriteDurableAsync(new AuditRecord(AuditActions.KeyRotation, Data: new Dictionary<string, string?> { ["rows"] = "1" }));
        var counter = s.GetRequiredService<DataSecurityReportFigures>();
        var year = counter.CurrentYear;
        var before = await counter.CountAsync(year);
        Assert.Equal(5, before["lookups", "served"]);
        Assert.Equal(0, before.ArchivedEntries);

        // The archiver on a clock 91 days on: everything up to the checkpoint leaves the live table for a signed file.
        var options = s.GetRequiredService<IOptions<AuditOptions>>().Value;
        var archiver = new AuditArchiver(s.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>(), s.GetRequiredService<AuditSigner>(),
            new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(91)), s.GetRequiredService<AuditCheckpointFile>(),
            s.GetRequiredService<AuditArchiveStore>(), Options.Create(options), NullLogger<AuditArchiver>.Instance);
        Assert.NotEmpty((await archiver.ArchiveAsync()).Archived);
        await using (var db = await s.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
            Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ScoreLookup));

        var after = await counter.CountAsync(year);
        Assert.Equal(before.Figures, after.Figures);
        Assert.Equal(5, after.ArchivedEntries);
        Assert.Equal(0, after.ArchivesUnreadable);
    }
}
