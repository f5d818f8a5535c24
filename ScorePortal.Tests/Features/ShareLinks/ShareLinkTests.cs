using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Privacy;
using ScorePortal.Features.Reports;
using ScorePortal.Features.Results;
using ScorePortal.Features.ShareLinks;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Retention;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Me.CandidateTestSupport;
using static ScorePortal.Tests.Features.ShareLinks.ShareLinkSteps;

namespace ScorePortal.Tests.Features.ShareLinks;

/// <summary>
/// Share links over HTTP (issue #27 item 4): made on the holder's page, opened anonymously at /s/{token}, refused alike
/// when expired, revoked or unknown, only ever changed by their holder, and deleted by the retention job. Each test
/// takes its own demo record (a record links to one account).
/// </summary>
public sealed class ShareLinkTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    [Fact]
    public async Task A_link_shows_the_masked_name_and_the_certificate_counts_its_openings_and_is_audited()
    {
        using var holder = await HolderAsync(portal, "320102199211083808", "杨U+20BB7");
        var token = await CreateOnPageAsync(holder, validity: "7", note: "HR of Example Ltd");
        var id = await LinkIdAsync(portal, token);
        var (_, page) = await holder.Client.GetAsync("/me/share-links?show=" + id);
        Assert.Contains("src=\"data:image/png;base64,", page);
        Assert.Equal(token, TokenOf(page));

        using var verifier = new BrowserlessClient(portal);
        string html;
        using (var response = await verifier.Http.GetAsync("/s/" + token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("noindex", string.Join(",", response.Headers.GetValues("X-Robots-Tag")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
            html = await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("data-status=\"Valid\"", html);
        Assert.Contains("杨*", html);
        Assert.DoesNotContain("\U00020BB7", html);
        Assert.Matches("data-testid=\"shared-number\">RK\\d{14}<", html);
        // Nothing that outlives the link: not the report's verification code, not the masked ID number.
        await using (var db = await Db(portal))
        {
            var code = await db.ReportIssues.Where(r => r.Id == holder.ReportId).Select(r => r.VerificationCode).SingleAsync();
            Assert.DoesNotContain(code, html);
            Assert.DoesNotContain(VerificationCode.Grouped(code), html);
        }
        Assert.DoesNotContain("320102", html);
        using (var again = await verifier.Http.GetAsync("/s/" + token)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var (_, list) = await holder.Client.GetAsync("/me/share-links");
        Assert.Contains("HR of Example Ltd", list);
        Assert.Contains("2 次", list);
        Assert.Contains("data-state=\"Active\"", list);

        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using (var db = await Db(portal))
        {
            var link = await db.ShareLinks.AsNoTracking().SingleAsync(l => l.Id == id);
            Assert.Equal(2, link.OpenCount);
            Assert.NotNull(link.LastOpenedAt);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), link.TokenHash);
            // Stored sealed: neither the token nor the note is readable in its column.
            var stored = await db.Database.SqlQuery<string>($"SELECT Token || ' ' || Note AS Value FROM ShareLinks WHERE Id = {id}").SingleAsync();
            Assert.DoesNotContain(token, stored);
            Assert.DoesNotContain("Example", stored);

            var created = await db.AuditEntries.SingleAsync(e => e.Action == AuditActions.ShareLinkCreate && e.TargetId == id.ToString());
            Assert.Equal(holder.UserId, created.ActorUserId);
            Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ShareLinkOpen && e.TargetId == id.ToString()));
            var entries = await db.AuditEntries.Where(e => e.Action.StartsWith("sharelink.")).Select(e => e.DataJson).ToListAsync();
            Assert.All(entries, data => Assert.DoesNotContain(token, data));
            Assert.All(entries, data => Assert.DoesNotContain("Example", data));
        }

        // The holder's copy of their data lists the link (note, times, openings), never its token.
        var copy = await portal.Services.GetRequiredService<DataCopyCollector>().CollectAsync(
            new DataCopy { SubjectUserId = holder.UserId, RequestedByUserId = holder.UserId, Culture = "zh-CN" });
        var copied = Assert.Single(copy.ShareLinks, l => l.Id == id);
        Assert.Equal("HR of Example Ltd", copied.Note);
        Assert.Equal(2, copied.OpenCount);
        Assert.DoesNotContain(token, System.Text.Json.JsonSerializer.Serialize(copy));

        // Another account sees none of it, and neither the page nor the use cases let it change the link.
        var (other, otherId, _) = await SignedInCandidateAsync(portal);
        using var _o = other;
        var (_, otherList) = await other.GetAsync($"/me/share-links?show={id}&revoke={id}&extend={id}");
        Assert.Contains("data-testid=\"sharelinks-empty\"", otherList);
        Assert.DoesNotContain(token, otherList);
        Assert.DoesNotContain("data-testid=\"sharelink-revoke-form\"", otherList);
        await Assert.ThrowsAsync<InvalidOperationException>(() => other.ReadFormAsync($"/me/share-links?revoke={id}", "revoke"));
        var change = portal.Services.GetRequiredService<ChangeShareLink>();
        Assert.False(await change.RevokeAsync(new RevokeShareLinkRequest(otherId, id, null)));
        Assert.Equal("ShareLinks.Error.NotFound", await change.ExtendAsync(new ExtendShareLinkRequest(otherId, id, "365", null, null)));
        Assert.Null(await portal.Services.GetRequiredService<MyShareLinks>().TokenAsync(otherId, id));
        var foreign = await portal.Services.GetRequiredService<CreateShareLink>().HandleAsync(
            new CreateShareLinkRequest(otherId, holder.ReportId, "7", null, null, null));
        Assert.Equal("ShareLinks.Error.NoCertificate", Assert.IsType<CreateShareLinkOutcome.Refused>(foreign).MessageKey);
        using (var still = await verifier.Http.GetAsync("/s/" + token)) Assert.Equal(HttpStatusCode.OK, still.StatusCode);

        // A long list comes in pages of 20, newest first.
        for (var i = 0; i < MyShareLinks.PageSize; i++) await CreateAsync(portal, holder);
        var (_, first) = await holder.Client.GetAsync("/me/share-links");
        Assert.Contains("data-testid=\"sharelinks-pages\"", first);
        Assert.DoesNotContain($"data-id=\"{id}\"", first);
        var (_, second) = await holder.Client.GetAsync("/me/share-links?page=2");
        Assert.Contains($"data-id=\"{id}\"", second);
    }

    [Fact]
    public async Task Expired_revoked_unknown_and_malformed_links_get_one_refusal_and_404()
    {
        using var holder = await HolderAsync(portal, "330106198704125212", "赵䶮");
        var expired = await CreateAsync(portal, holder, validity: "1");
        var revoked = await CreateOnPageAsync(holder, validity: "30");
        var expiredId = await LinkIdAsync(portal, expired);
        var revokedId = await LinkIdAsync(portal, revoked);
        await using (var db = await Db(portal))
            await db.ShareLinks.Where(l => l.Id == expiredId).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, portal.Clock.GetUtcNow().AddMinutes(-1)));

        var (_, confirm) = await holder.Client.GetAsync("/me/share-links?revoke=" + revokedId);
        Assert.Contains("data-testid=\"sharelink-revoke-form\"", confirm);
        using (var revoke = await holder.Client.SubmitAsync("/me/share-links?revoke=" + revokedId, "revoke", new Dictionary<string, string>()))
            Assert.Contains("data-testid=\"sharelinks-notice\"", await revoke.Content.ReadAsStringAsync());

        using var verifier = new BrowserlessClient(portal);
        var refusals = new List<string>();
        foreach (var token in new[] { expired, revoked, ShareLinkToken.New(), "not-a-token" })
        {
            using var response = await verifier.Http.GetAsync("/s/" + token);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("data-testid=\"shared-certificate\"", html);
            refusals.Add(Refusal(html));
        }
        Assert.Contains("此链接无效（已过期或已被撤回）", refusals[0]);
        Assert.All(refusals, r => Assert.Equal(refusals[0], r));

        var (_, list) = await holder.Client.GetAsync("/me/share-links");
        Assert.Contains("data-state=\"Expired\"", list);
        Assert.Contains("data-state=\"Revoked\"", list);

        await portal.Services.GetRequiredService<AuditLog>().SealAsync();
        await using (var db = await Db(portal))
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.ShareLinkRevoke && e.TargetId == revokedId.ToString() && e.ActorUserId == holder.UserId));
            var refused = await db.AuditEntries.Where(e => e.Action == AuditActions.ShareLinkRefused).ToListAsync();
            Assert.All(refused, e => Assert.Null(e.TargetId));
            foreach (var reason in new[] { "expired", "revoked", "unknown", "malformed" })
                Assert.Contains(refused, e => e.DataJson.Contains($"\"{reason}\"", StringComparison.Ordinal));
            Assert.All(refused, e => Assert.DoesNotContain(revoked, e.DataJson));
            Assert.Equal(0, await db.ShareLinks.Where(l => l.Id == expiredId || l.Id == revokedId).SumAsync(l => l.OpenCount));
        }
    }

    [Fact]
    public async Task The_holder_extends_a_link_within_a_year_and_the_server_refuses_any_other_validity()
    {
        using var holder = await HolderAsync(portal, "110105199003072311", "张伟");
        var token = await CreateAsync(portal, holder, validity: "1");
        var id = await LinkIdAsync(portal, token);
        var now = portal.Clock.GetUtcNow();
        await using (var db = await Db(portal))
            await db.ShareLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, now.AddHours(-2)));
        using var verifier = new BrowserlessClient(portal);
        using (var before = await verifier.Http.GetAsync("/s/" + token)) Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        using (var extended = await holder.Client.SubmitAsync("/me/share-links?extend=" + id, "extend",
                   new Dictionary<string, string> { ["Extension.Validity"] = "30" }))
            Assert.Contains("data-testid=\"sharelinks-notice\"", await extended.Content.ReadAsStringAsync());
        await using (var db = await Db(portal))
            AssertAbout(now.AddDays(30), await db.ShareLinks.Where(l => l.Id == id).Select(l => l.ExpiresAt).SingleAsync());
        using (var after = await verifier.Http.GetAsync("/s/" + token)) Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        // Not later than now, a day past a year, an unknown preset, no date: refused on the server, nothing changed.
        var tooFar = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(366).ToString("yyyy-MM-dd");
        foreach (var (validity, day, key) in new[]
                 {
                     ("7", "", "ShareLinks.Error.NotLater"), ("date", tooFar, "ShareLinks.Error.Validity"),
                     ("2", "", "ShareLinks.Error.Validity"), ("date", "", "ShareLinks.Error.Validity"),
                 })
        {
            using var refused = await holder.Client.SubmitAsync("/me/share-links?extend=" + id, "extend",
                new Dictionary<string, string> { ["Extension.Validity"] = validity, ["Extension.LastDay"] = day });
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("data-testid=\"form-errors\"", html);
            Assert.Contains(key == "ShareLinks.Error.NotLater" ? "须晚于当前有效期" : "有效期须在 1 天到 1 年之间", html);
        }
        await using (var db = await Db(portal))
        {
            AssertAbout(now.AddDays(30), await db.ShareLinks.Where(l => l.Id == id).Select(l => l.ExpiresAt).SingleAsync());
            Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.ShareLinkExtend && e.TargetId == id.ToString()));
        }

        // Creating checks the same: a last day tomorrow is fine, today is not; a note too long is refused.
        var create = portal.Services.GetRequiredService<CreateShareLink>();
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        Assert.IsType<CreateShareLinkOutcome.Created>(await create.HandleAsync(new(holder.UserId, holder.ReportId, "date", today.AddDays(1), null, null)));
        Assert.IsType<CreateShareLinkOutcome.Created>(await create.HandleAsync(new(holder.UserId, holder.ReportId, "date", today.AddDays(365), null, null)));
        Assert.IsType<CreateShareLinkOutcome.Refused>(await create.HandleAsync(new(holder.UserId, holder.ReportId, "date", today, null, null)));
        Assert.IsType<CreateShareLinkOutcome.Refused>(await create.HandleAsync(new(holder.UserId, holder.ReportId, "0", null, null, null)));
        var longNote = await create.HandleAsync(new(holder.UserId, holder.ReportId, "7", null, new string('x', CreateShareLink.NoteMaxLength + 1), null));
        Assert.Equal("ShareLinks.Error.NoteTooLong", Assert.IsType<CreateShareLinkOutcome.Refused>(longNote).MessageKey);
        using var badNote = await holder.Client.SubmitAsync("/me/share-links", "create", new Dictionary<string, string>
        {
            ["New.ReportId"] = holder.ReportId.ToString(),
            ["New.Validity"] = "400",
            ["New.Note"] = "",
        });
        Assert.Contains("data-testid=\"form-errors\"", await badNote.Content.ReadAsStringAsync());
    }

    /// <summary>Times are stored in whole milliseconds.</summary>
    private static void AssertAbout(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected.AddMilliseconds(-1), expected);

    [Fact]
    public async Task A_link_to_a_revoked_or_superseded_report_says_so_as_verify_does()
    {
        using var holder = await HolderAsync(portal, "420106198507191503", "陈静");
        var first = await CreateAsync(portal, holder);
        Assert.True(await portal.Services.GetRequiredService<RevokeReport>().HandleAsync(new RevokeReportRequest(holder.UserId, holder.ReportId, null)));
        using var verifier = new BrowserlessClient(portal);
        var (status, revoked) = await verifier.GetAsync("/s/" + first);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-status=\"Revoked\"", revoked);
        Assert.Contains("陈*", revoked);

        // A new report of the same figures, then a review decision changes them: the link says "superseded", no new figures.
        var registrationId = await ScorePortal.Tests.Features.Reports.ReportSteps.RegistrationIdAsync(portal, "420106198507191503");
        var reissued = Assert.IsType<IssueReportOutcome.Issued>(await portal.Services.GetRequiredService<IssueReport>().HandleAsync(
            new IssueReportRequest(holder.UserId, registrationId, "en-US", "http://localhost/verify", null)));
        var second = await CreateAsync(portal, holder with { ReportId = reissued.ReportId });
        await using (var db = await Db(portal))
        {
            var candidateId = await db.ReportIssues.Where(r => r.Id == reissued.ReportId).Select(r => r.CandidateId).SingleAsync();
            await new SupersedeReports().OnResultChangedAsync(db, new ResultChanged(Guid.NewGuid(), ResultChangeKind.ReviewDecided, 0,
                portal.Clock.GetUtcNow(), CandidateId: candidateId), CancellationToken.None);
        }
        var (_, superseded) = await verifier.GetAsync("/s/" + second);
        Assert.Contains("data-status=\"Superseded\"", superseded);
        Assert.Contains("请向考生索取最新成绩单", superseded);
        Assert.Contains("陈*", superseded);
    }

    [Fact]
    public async Task The_retention_rule_deletes_links_30_days_after_expiry_or_revocation()
    {
        using var holder = await HolderAsync(portal, "650102199302267414", "买买提•艾力");
        var ids = new List<int>();
        for (var i = 0; i < 6; i++) ids.Add(await LinkIdAsync(portal, await CreateAsync(portal, holder)));
        var now = portal.Clock.GetUtcNow();
        await using (var db = await Db(portal))
        {
            async Task Set(int id, DateTimeOffset expires, DateTimeOffset? revokedAt) =>
                await db.ShareLinks.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expires).SetProperty(l => l.RevokedAt, revokedAt));
            await Set(ids[0], now.AddDays(-31), null);                 // expired 31 days ago: deleted
            await Set(ids[1], now.AddDays(-40), null);                 // deleted
            await Set(ids[2], now.AddDays(-29), null);                 // expired 29 days ago: kept
            await Set(ids[3], now.AddDays(300), now.AddDays(-31));     // revoked 31 days ago: deleted
            await Set(ids[4], now.AddDays(300), now.AddDays(-1));      // revoked yesterday: kept
            // ids[5]: valid, kept
        }

        var rule = portal.Services.GetServices<IRetentionRule>().Single(r => r.Name == "share-links");
        Assert.Equal(TimeSpan.FromDays(30), rule.Period);
        Assert.Equal(3, await rule.RunAsync(new RetentionPass(now, now - rule.Period, BatchSize: 2), CancellationToken.None));
        Assert.Equal(0, await rule.RunAsync(new RetentionPass(now, now - rule.Period, BatchSize: 2), CancellationToken.None));
        await using (var db = await Db(portal))
            Assert.Equal([ids[2], ids[4], ids[5]], await db.ShareLinks.Where(l => ids.Contains(l.Id)).OrderBy(l => l.Id).Select(l => l.Id).ToListAsync());

        // The job runs it with the others and counts it in its audit entry.
        var run = await portal.Services.GetRequiredService<RetentionJob>().RunAsync();
        Assert.Contains(run.Rules, r => r.Rule == "share-links" && !r.Failed);

        // Closing the account deletes its links at once, whatever their expiry.
        Assert.Equal(CloseAccountOutcome.Closed, await portal.Services.GetRequiredService<CloseAccount>().HandleAsync(
            new CloseAccountRequest(holder.UserId, StepUpPassed: true, Confirmed: true, null)));
        await using (var db = await Db(portal))
            Assert.False(await db.ShareLinks.AnyAsync(l => l.UserId == holder.UserId));
    }
}

/// <summary>The token's shape and the validity rule, without a portal.</summary>
public sealed class ShareLinkTokenTests
{
    [Fact]
    public void Tokens_are_144_random_bits_in_base64url_and_anything_else_is_refused_before_a_lookup()
    {
        var tokens = Enumerable.Range(0, 2000).Select(_ => ShareLinkToken.New()).ToList();
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{24}$", t));
        Assert.All(tokens, t => Assert.Equal(18, Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/')).Length));
        Assert.All(tokens, t => Assert.True(ShareLinkToken.IsWellFormed(t)));
        Assert.True(ShareLinkToken.Bytes * 8 >= 128);
        // Every position takes many values: a constant or counter-like part would show here.
        for (var i = 0; i < ShareLinkToken.Length - 1; i++)
            Assert.True(tokens.Select(t => t[i]).Distinct().Count() > 48, $"position {i}");

        Assert.False(ShareLinkToken.IsWellFormed(null));
        Assert.False(ShareLinkToken.IsWellFormed(tokens[0][..23]));
        Assert.False(ShareLinkToken.IsWellFormed(tokens[0] + "A"));
        Assert.False(ShareLinkToken.IsWellFormed(tokens[0][..22] + "+/"));
        Assert.False(ShareLinkToken.IsWellFormed(tokens[0][..22] + "=="));
    }

    [Fact]
    public void Validity_is_a_preset_or_a_last_day_from_tomorrow_to_a_year_from_today()
    {
        var now = new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero); // 14:00 in China
        foreach (var days in new[] { 1, 7, 30, 365 })
            Assert.Equal(now.AddDays(days), ShareLinkValidity.ExpiryOf(days.ToString(), null, now));
        Assert.Null(ShareLinkValidity.ExpiryOf("366", null, now));
        Assert.Null(ShareLinkValidity.ExpiryOf("-1", null, now));
        Assert.Null(ShareLinkValidity.ExpiryOf(null, null, now));
        Assert.Null(ShareLinkValidity.ExpiryOf("date", null, now));
        Assert.Null(ShareLinkValidity.ExpiryOf("date", new DateOnly(2026, 12, 5), now));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 16, 0, 0, TimeSpan.Zero), ShareLinkValidity.ExpiryOf("date", new DateOnly(2026, 12, 6), now));
        Assert.NotNull(ShareLinkValidity.ExpiryOf("date", new DateOnly(2027, 12, 5), now));
        Assert.Null(ShareLinkValidity.ExpiryOf("date", new DateOnly(2027, 12, 6), now));
        Assert.Equal(new DateOnly(2026, 12, 6), ShareLinkValidity.FirstAllowedDay(now));
        Assert.Equal(new DateOnly(2027, 12, 5), ShareLinkValidity.LastAllowedDay(now));
    }
}

/// <summary>The anonymous page is limited per address like /verify, on a portal of its own (a low limit).</summary>
public sealed class ShareLinkLimitTests
{
    [Fact]
    public async Task Opening_links_is_rate_limited_per_address()
    {
        await using var limited = PortalFactory.With(new Dictionary<string, string?> { ["PublicForms:VerificationsPerAddressPerMinute"] = "3" });
        using var client = new BrowserlessClient(limited);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/s/" + ShareLinkToken.New())).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/s/" + ShareLinkToken.New())).Status);
    }
}
