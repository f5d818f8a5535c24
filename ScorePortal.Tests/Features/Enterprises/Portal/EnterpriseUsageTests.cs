using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Portal;
using ScorePortal.Tests.Features.Enterprises.Admin;
using static ScorePortal.Tests.Features.Enterprises.Admin.EnterpriseTestSupport;

namespace ScorePortal.Tests.Features.Enterprises.Portal;

/// <summary>The figures of the enterprise home page, from the access log, per China day and for one enterprise only.</summary>
public sealed class EnterpriseUsageTests(EnterpriseTestPortal portal) : IClassFixture<EnterpriseTestPortal>
{
    [Fact]
    public async Task Calls_today_per_key_the_last_30_days_and_the_outcomes_count_this_enterprises_calls_only()
    {
        var mine = await RegisterAsync(portal);
        var theirs = await RegisterAsync(portal);
        var (keyA, _) = await IssueAsync(portal, mine, "A");
        var (keyB, _) = await IssueAsync(portal, mine, "B");
        var (foreignKey, _) = await IssueAsync(portal, theirs, "X");
        // 2026-03-10 10:00 in China; the China day began at 2026-03-09 16:00 UTC.
        var now = new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero);
        var chinaMidnight = new DateTimeOffset(2026, 3, 9, 16, 0, 0, TimeSpan.Zero);
        await using (var db = Db(portal))
        {
            void Call(int enterprise, int key, DateTimeOffset at, string outcome) =>
                db.ApiAccessLog.Add(new ApiAccess { EnterpriseId = enterprise, ApiKeyId = key, At = at, Outcome = outcome });
            Call(mine, keyA, now.AddMinutes(-5), "success");
            Call(mine, keyA, chinaMidnight, "no_consent"); // the first instant of today
            Call(mine, keyB, now.AddMinutes(-1), "success");
            Call(mine, keyA, chinaMidnight.AddTicks(-1), "success"); // yesterday, late at night in China
            Call(mine, keyA, chinaMidnight.AddDays(-29), "rate_limited"); // the first of the 30 days
            Call(mine, keyA, chinaMidnight.AddDays(-30), "success"); // before them
            Call(theirs, foreignKey, now.AddMinutes(-2), "success");
            Call(theirs, foreignKey, now.AddMinutes(-2), "invalid_request");
            await db.SaveChangesAsync();
        }

        await using var read = Db(portal);
        var overview = (await EnterpriseUsage.LoadAsync(read, mine, now))!;

        Assert.Equal(chinaMidnight, EnterpriseUsage.DayStart(now));
        Assert.Equal([(keyB, 1), (keyA, 2)], overview.Keys.Select(k => (k.Id, k.CallsToday)));
        Assert.Equal(30, overview.Days.Count);
        Assert.Equal((new DateOnly(2026, 3, 10), 2, 1), (overview.Days[^1].Day, overview.Days[^1].Answered, overview.Days[^1].Refused));
        Assert.Equal((new DateOnly(2026, 3, 9), 1, 0), (overview.Days[^2].Day, overview.Days[^2].Answered, overview.Days[^2].Refused));
        Assert.Equal((new DateOnly(2026, 2, 9), 0, 1), (overview.Days[0].Day, overview.Days[0].Answered, overview.Days[0].Refused));
        Assert.Equal(5, overview.Days.Sum(d => d.Total));
        Assert.Equal([new OutcomeCount("success", 3), new OutcomeCount("no_consent", 1), new OutcomeCount("rate_limited", 1)], overview.Outcomes);
    }

    [Fact]
    public async Task Usable_keys_come_first_and_an_unknown_enterprise_has_no_overview()
    {
        var id = await RegisterAsync(portal);
        var (old, _) = await IssueAsync(portal, id, "old");
        await RunAsync<ScorePortal.Components.Forms.EditResult, ScorePortal.Features.Enterprises.Admin.RevokeApiKey>(portal,
            h => h.HandleAsync(new(id, old, AdminId)));
        var (current, _) = await IssueAsync(portal, id, "current");

        await using var db = Db(portal);
        var overview = (await EnterpriseUsage.LoadAsync(db, id, portal.Clock.GetUtcNow()))!;

        Assert.Equal([current, old], overview.Keys.Select(k => k.Id));
        Assert.False(overview.Keys[1].IsUsable(portal.Clock.GetUtcNow()));
        Assert.Null(await EnterpriseUsage.LoadAsync(db, 999_999, portal.Clock.GetUtcNow()));
    }
}
