using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Lookup;
using ScorePortal.Features.Results;
using ScorePortal.Localization;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.ServiceStatus;

/// <summary>Issue #22, item 7: the public status page, plain HTML in both languages, its figures from this instance.</summary>
/// <remarks>The class fixture is this class's own portal: the tests move its clock and its sessions' release times.</remarks>
public sealed class ServiceStatusPageTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<string> PageAsync(string query = "")
    {
        // Past the page's few seconds of cache, so each read computes the figures afresh.
        portal.Clock.Advance(TimeSpan.FromSeconds(10));
        using var client = portal.CreateClient();
        using var response = await client.GetAsync("/service-status" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_page_is_plain_html_in_both_languages_and_says_its_figures_are_per_instance()
    {
        using var client = portal.CreateClient();
        using var response = await client.GetAsync("/service-status");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl is { Private: true, MaxAge.TotalSeconds: 5, NoStore: false }, response.Headers.CacheControl?.ToString());
        var zh = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var en = await PageAsync("?culture=en-US");

        Assert.Contains("<html lang=\"zh-CN\"", zh);
        Assert.Contains("<h1 class=\"mud-typography mud-typography-h5 mud-typography-gutterbottom\">服务状态</h1>", zh);
        Assert.Contains("当前等待时间", zh);
        Assert.Contains("今日查询速度", zh);
        Assert.Contains("本页为回答您的这台服务器", zh);
        Assert.Contains("data-testid=\"status-sessions\"", zh);
        Assert.DoesNotContain("_framework/blazor.web", zh);

        Assert.Contains("<html lang=\"en-US\"", en);
        Assert.Contains(">Service status</h1>", en);
        Assert.Contains("Current waiting time", en);
        Assert.Contains("No wait.", en);
        Assert.Contains("this page shows the one that answered you", en);
        Assert.Contains("Release time", en);
        // The footer of every page links here.
        Assert.Contains("href=\"/service-status\" data-testid=\"footer-status\"", en);
    }

    [Fact]
    public async Task Lookups_show_closed_before_the_release_time_and_open_after_it()
    {
        var release = portal.Clock.GetUtcNow().AddHours(1);
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            // Every session published, none released yet: lookups are closed until the earliest release.
            await db.ExamSessions.ExecuteUpdateAsync(s => s.SetProperty(e => e.ReleaseAt, release).SetProperty(e => e.PublishedAt, release.AddDays(-1)));
        }
        await portal.Services.GetRequiredService<SessionCatalog>().InvalidateAsync();

        var before = await PageAsync();
        Assert.Contains("data-open=\"false\"", before);
        Assert.Contains($"成绩查询尚未开放，将于 {PortalFormatIn("zh-CN", release)} 开放。", before);
        Assert.Contains("data-state=\"Scheduled\"", before);
        Assert.DoesNotContain("data-state=\"Open\"", before);
        var beforeEn = await PageAsync("?culture=en-US");
        Assert.Contains($"they open at {PortalFormatIn("en-US", release)}", beforeEn);

        portal.Clock.Advance(TimeSpan.FromHours(1));
        var after = await PageAsync();
        Assert.Contains("data-open=\"true\"", after);
        Assert.Contains("成绩查询现已开放。", after);
        Assert.Contains("data-state=\"Open\"", after);
        Assert.DoesNotContain("data-state=\"Scheduled\"", after);
        Assert.Contains("Score lookups are open now.", await PageAsync("?culture=en-US"));
    }

    [Fact]
    public async Task Todays_p95_comes_from_the_recorded_lookup_durations_and_starts_again_the_next_day()
    {
        // A fresh day in China time, so only this test's durations count.
        var now = PortalFormat.ToChinaTime(portal.Clock.GetUtcNow());
        portal.Clock.Advance(now.Date.AddDays(1).AddMinutes(1) - now.DateTime);
        var none = await PageAsync();
        Assert.Contains("今天尚无查询记录。目标：95% 的查询在 250 毫秒内完成。", none);

        var metrics = portal.Services.GetRequiredService<PortalMetrics>();
        for (var i = 0; i < 100; i++) metrics.Lookup("id", "NotFound", TimeSpan.FromMilliseconds(28));
        var fast = await PageAsync();
        Assert.Contains("<dd data-testid=\"status-p95\">不超过 30 毫秒</dd>", fast);
        Assert.Contains("<dd data-testid=\"status-target\">250 毫秒以内</dd>", fast);
        Assert.Contains("<dd data-testid=\"status-count\">100</dd>", fast);
        Assert.Contains("data-met=\"true\"", fast);

        // 20 slow ones of 120: the 114th fastest is one of them.
        for (var i = 0; i < 20; i++) metrics.Lookup("ticket", "Found", TimeSpan.FromMilliseconds(380));
        var slow = await PageAsync("?culture=en-US");
        Assert.Contains("<dd data-testid=\"status-p95\">at most 400 ms</dd>", slow);
        Assert.Contains("<dd data-testid=\"status-count\">120</dd>", slow);
        Assert.Contains("data-met=\"false\"", slow);
        Assert.Contains("Target missed.", slow);

        portal.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Contains("No lookups measured today yet.", await PageAsync("?culture=en-US"));
    }

    [Fact]
    public async Task The_wait_says_busy_with_the_queue_length_while_lookups_wait_at_the_gate_and_no_wait_after()
    {
        var gate = portal.Services.GetRequiredService<GateOccupancy>().Lookups;
        Assert.Contains("data-busy=\"false\"", await PageAsync());

        gate.StartWaiting();
        gate.StartWaiting();
        try
        {
            var busy = await PageAsync();
            Assert.Contains("data-busy=\"true\"", busy);
            Assert.Contains("系统繁忙：本服务器有 2 个查询正在排队，每个查询最多等待 2 秒。", busy);
            Assert.Contains("Busy: 2 lookups are waiting on this server; each waits at most 2 seconds.", await PageAsync("?culture=en-US"));
        }
        finally
        {
            gate.StopWaiting(admitted: false);
            gate.StopWaiting(admitted: false);
        }
        Assert.Contains("No wait.", await PageAsync("?culture=en-US"));
    }

    [Fact]
    public async Task The_estimated_wait_of_the_line_shows_while_people_wait_and_none_when_the_line_is_empty()
    {
        // Past the minute the line's pace remembers, so only this test's samples count.
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        var gate = portal.Services.GetRequiredService<GateLine>();
        var room = portal.Services.GetRequiredService<WaitingRoom>();
        // Lookups in progress hold all but two slots.
        var held = 0;
        while (gate.FreeSlots > 2 && gate.LookupSlots.Wait(0)) held++;
        try
        {
            var tickets = new List<string>();
            for (var i = 0; i < 10; i++) tickets.Add(await room.JoinAsync());

            var estimating = await PageAsync();
            Assert.Contains("data-line=\"10\"", estimating);
            Assert.Contains("10 人正在排队等候查询，正在估算等待时间。", estimating);
            Assert.Contains("排队队伍由所有服务器共用", estimating);

            // The two free slots admit two places; ten seconds later the line has moved at 0.2 a second.
            await room.CheckAsync(tickets[9]);
            var zh = await PageAsync();
            Assert.Contains("data-line=\"8\" data-wait-seconds=\"45\"", zh);
            Assert.Contains("8 人正在排队等候查询，现在加入预计等待约 45 秒。", zh);
            // Twenty seconds for the same two places: 0.1 a second.
            var en = await PageAsync("?culture=en-US");
            Assert.Contains("8 people are waiting in line to look up; someone joining now waits about 90 seconds.", en);
            Assert.Contains("The line is one for all servers", en);
        }
        finally
        {
            gate.LookupSlots.Release(held);
        }

        // Slots free: the rest of the line is admitted (or passed over, silent), and nobody waits.
        await room.CheckAsync((await room.JoinAsync()));
        var empty = await PageAsync();
        Assert.Contains("data-busy=\"false\" data-line=\"0\"", empty);
        Assert.Contains("无需等待。", empty);
        Assert.DoesNotContain("正在排队等候查询", empty);
        var emptyEn = await PageAsync("?culture=en-US");
        Assert.Contains("No wait.", emptyEn);
        Assert.DoesNotContain("waiting in line to look up", emptyEn);
    }

    private static string PortalFormatIn(string culture, DateTimeOffset value)
    {
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = new System.Globalization.CultureInfo(culture);
        try
        {
            return PortalFormat.DateTime(value);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = previous;
        }
    }
}
