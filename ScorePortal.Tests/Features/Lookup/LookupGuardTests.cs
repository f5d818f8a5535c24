using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Alerts;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Lookup;

/// <summary>The lookup with its real protections switched on: captcha, per-address limit, wrong-name lock, monitors, audit.</summary>
public sealed class LookupGuardTests
{
    private static DemoPortal Guarded(Dictionary<string, string?> settings) => new(settings);

    private static async Task<string> SessionAsync(PortalFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        return (await db.ExamSessions.Where(s => s.PublishedAt != null).ToListAsync())
            .OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).First().Code;
    }

    private static async Task<string> LookUpAsync(PortalFactory portal, string idNumber, string name, string answer = PortalFactory.CaptchaTestAnswer,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = await SessionAsync(portal), ["Input.IdType"] = "ResidentId",
            ["Input.IdNumber"] = idNumber, ["Input.Name"] = name, ["Input.CaptchaAnswer"] = answer,
        });
        Assert.Equal(expected, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_wrong_captcha_shows_no_result_even_for_the_right_person()
    {
        await using var portal = Guarded([]);

        var html = await LookUpAsync(portal, "110105199003072311", "张伟", answer: "WRONG");

        Assert.Contains("验证码不正确", html);
        Assert.DoesNotContain("result-sheet", html);
    }

    [Fact]
    public async Task A_captcha_token_works_only_once()
    {
        await using var portal = Guarded([]);
        using var client = new BrowserlessClient(portal);
        var form = await client.ReadFormAsync("/lookup", "lookup");
        form["Input.SessionCode"] = await SessionAsync(portal);
        form["Input.IdType"] = "ResidentId";
        form["Input.IdNumber"] = "110105199003072311";
        form["Input.Name"] = "张伟";
        form["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer;

        using var first = await client.Http.PostAsync("/lookup", new FormUrlEncodedContent(form));
        using var replay = await client.Http.PostAsync("/lookup", new FormUrlEncodedContent(form));

        Assert.Contains("result-sheet", await first.Content.ReadAsStringAsync());
        var replayed = WebUtility.HtmlDecode(await replay.Content.ReadAsStringAsync());
        Assert.Contains("验证码已过期", replayed);
        Assert.DoesNotContain("result-sheet", replayed);
    }

    [Fact]
    public async Task Repeated_wrong_names_lock_the_id_number_without_saying_whether_it_exists()
    {
        await using var portal = Guarded(new() { ["Lookup:Limits:WrongNamesBeforeLock"] = "3" });

        for (var i = 0; i < 3; i++)
            Assert.Contains("未查询到成绩", await LookUpAsync(portal, "110105199003072311", "张三"));
        var locked = await LookUpAsync(portal, "110105199003072311", "张伟");
        // An ID number nobody registered locks the same way.
        for (var i = 0; i < 3; i++) await LookUpAsync(portal, "11010519491231002X", "张三");
        var lockedUnknown = await LookUpAsync(portal, "11010519491231002X", "张三");
        var other = await LookUpAsync(portal, "31010419880615478X", "李娜");

        Assert.Contains("该证件号码的查询已暂时锁定", locked);
        Assert.DoesNotContain("result-sheet", locked);
        Assert.Contains("该证件号码的查询已暂时锁定", lockedUnknown);
        Assert.Contains("result-sheet", other);
    }

    [Fact]
    public async Task One_address_is_slowed_down_after_its_allowance()
    {
        await using var portal = Guarded(new() { ["Lookup:Limits:PerAddressPerMinute"] = "2" });

        await LookUpAsync(portal, "110105199003072311", "张伟");
        await LookUpAsync(portal, "31010419880615478X", "李娜");
        var third = await LookUpAsync(portal, "440106199509216119", "刘洋", expected: HttpStatusCode.TooManyRequests);

        Assert.Contains("查询过于频繁", third);
        Assert.Contains("data-wait-seconds", third);
        Assert.DoesNotContain("result-sheet", third);
    }

    [Fact]
    public async Task Lookups_across_many_provinces_raise_an_alert_without_blocking_the_address()
    {
        await using var portal = Guarded(new() { ["Anomaly:ProvincesPerAddress"] = "3" });

        await LookUpAsync(portal, "110105199003072311", "张伟");   // 11
        await LookUpAsync(portal, "31010419880615478X", "李娜");   // 31
        await LookUpAsync(portal, "440106199509216119", "刘洋");   // 44: third province
        // A carrier's NAT serves people of every province: the address is reported, not blocked.
        Assert.Contains("result-sheet", await LookUpAsync(portal, "110105199003072311", "张伟"));

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        Assert.True(await db.Alerts.AnyAsync(a => a.Kind == AnomalyDetector.ManyProvinces));
    }

    [Fact]
    public async Task Every_lookup_is_audited_without_the_id_number_or_the_name()
    {
        await using var portal = Guarded([]);

        await LookUpAsync(portal, "110105199003072311", "张伟");
        await LookUpAsync(portal, "110105199003072311", "王五");

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        // Wait for the two entries themselves (not a count of entries), on a deadline: the audit writer commits in batches.
        List<AuditEntry> lookups = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(lookups.Any(e => e.DataJson.Contains("\"matched\"")) && lookups.Any(e => e.DataJson.Contains("\"no-match\"")))
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            lookups = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ScoreLookup).ToListAsync();
        }
        Assert.Contains(lookups, e => e.DataJson.Contains("\"matched\""));
        Assert.Contains(lookups, e => e.DataJson.Contains("\"no-match\""));
        Assert.All(lookups, e =>
        {
            var all = string.Join('|', e.DataJson, e.TargetId, e.SourceIpHash, e.ActorUserId);
            Assert.DoesNotContain("110105", all);
            Assert.DoesNotContain("张伟", all);
            Assert.DoesNotContain("王五", all);
        });
    }
}
