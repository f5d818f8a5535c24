using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Features.Sessions;
using ScorePortal.Localization;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Features.Admin;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Sessions;

/// <summary>
/// Session edits that could surprise someone: two admins on one session, results that candidates already see, and a
/// changed release time reaching the public home page at once. New sessions use the years 2090 on.
/// </summary>
public sealed class SessionSafeguardTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static int _nextYear = 2089;
    private static int NewYear() => Interlocked.Increment(ref _nextYear);

    private ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    private async Task<EditResult> SaveAsync(SaveSessionRequest request)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SaveSession>().HandleAsync(request);
    }

    /// <summary>Times in messages are formatted for the reader: the tests read them as the portal's default language.</summary>
    private static void ReadInChinese() => System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");

    private static DateTimeOffset China(int year, int month, int day, int hour, int minute = 0) =>
        SaveSession.ChinaTime(new DateTime(year, month, day), new TimeSpan(hour, minute, 0))!.Value;

    private static SaveSessionRequest Valid(int year, string userId = "admin-a") => new(null, year, ExamHalf.H2, $"{year}年下半年考试",
        $"{year} second-half examination", new DateOnly(year, 11, 7), new DateOnly(year, 11, 8),
        China(year, 12, 22, 9), China(year, 12, 22, 9), China(year + 1, 1, 5, 17), userId);

    /// <summary>What the session form sends for a stored session, as the admin opened it.</summary>
    private static SaveSessionRequest Opened(ExamSession s, string userId) => new(s.Id, s.Year, s.Half, s.NameZh, s.NameEn,
        s.ExamStartDate, s.ExamEndDate, s.ReleaseAt, s.ReviewOpensAt, s.ReviewClosesAt, userId, SaveSession.VersionOf(s));

    [Fact]
    public async Task A_session_saved_over_another_admins_edit_is_refused_and_their_release_time_stays()
    {
        var year = NewYear();
        var id = (await SaveAsync(Valid(year))).Id!.Value;
        ExamSession opened;
        await using (var db = Db()) opened = await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id);

        var earlier = China(year, 12, 20, 9);
        var first = await SaveAsync(Opened(opened, "admin-b") with { ReleaseAt = earlier, ReviewOpensAt = earlier });
        var second = await SaveAsync(Opened(opened, "admin-a") with { NameZh = "改名的考试" });

        Assert.True(first.Succeeded);
        var refusal = Assert.Single(second.Errors);
        Assert.Equal(EditVersion.Stale, refusal.Key);
        Assert.Equal("在您编辑期间，另一位管理员已修改并保存了这条记录。表单已载入最新内容，请核对后再保存。", AdminMessages.Chinese(refusal));
        await using (var db = Db())
        {
            var stored = await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id);
            Assert.Equal((earlier, $"{year}年下半年考试"), (stored.ReleaseAt, stored.NameZh));
            var audits = await db.AuditEntries.AsNoTracking()
                .Where(e => e.Action == AuditActions.SessionChange && e.TargetId == id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Select(e => e.ActorUserId).ToListAsync();
            Assert.Equal(new[] { "admin-a", "admin-b" }, audits);
        }
    }

    [Fact]
    public async Task Moving_the_release_of_results_candidates_already_see_into_the_future_needs_a_confirmation()
    {
        ReadInChinese();
        var now = portal.Clock.GetUtcNow();
        ExamSession released;
        await using (var db = Db())
            released = (await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).ToListAsync())
                .Where(s => s.IsReleased(now)).OrderByDescending(s => s.ReleaseAt).First();
        var tomorrow = now.AddDays(1);
        var edit = Opened(released, "admin-a") with { ReleaseAt = tomorrow, ReviewOpensAt = tomorrow, ReviewClosesAt = tomorrow.AddDays(14) };

        var unconfirmed = await SaveAsync(edit);

        Assert.True(unconfirmed.NeedsConfirmation);
        var warning = Assert.Single(unconfirmed.Errors);
        Assert.Equal(SaveSession.HidesReleasedResults, warning.Key);
        Assert.Equal($"考生现在已能查询本批次的成绩。把发布时间改为 {PortalFormat.DateTime(tomorrow)} 后，成绩将被隐藏，直到该时间才重新公开。",
            AdminMessages.Chinese(warning));
        var catalog = portal.Services.GetRequiredService<SessionCatalog>();
        Assert.True((await catalog.ByCodeAsync(released.Code))!.IsReleased(now));

        var confirmed = await SaveAsync(edit with { ConfirmHidingResults = true });

        Assert.True(confirmed.Succeeded);
        Assert.False((await catalog.ByCodeAsync(released.Code))!.IsReleased(now));

        // Put back for the other tests of this portal (the stored version changed with the edit).
        await using (var db = Db())
        {
            var moved = await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == released.Id);
            Assert.True((await SaveAsync(Opened(moved, "admin-a") with
            {
                ReleaseAt = released.ReleaseAt, ReviewOpensAt = released.ReviewOpensAt, ReviewClosesAt = released.ReviewClosesAt,
            })).Succeeded);
        }
    }

    [Fact]
    public async Task A_new_release_time_shows_on_the_public_home_page_at_once()
    {
        ReadInChinese();
        var year = NewYear();
        var id = (await SaveAsync(Valid(year))).Id!.Value;
        using var visitor = new BrowserlessClient(portal);
        var (_, before) = await visitor.GetAsync("/");
        Assert.Contains(WebUtility.HtmlEncode("将于 " + PortalFormat.DateTime(China(year, 12, 22, 9)) + " 发布"), before);

        ExamSession opened;
        await using (var db = Db()) opened = await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id);
        var later = China(year, 12, 28, 10, 30);
        Assert.True((await SaveAsync(Opened(opened, "admin-a") with { ReleaseAt = later, ReviewOpensAt = later })).Succeeded);

        var (status, after) = await visitor.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(WebUtility.HtmlEncode("将于 " + PortalFormat.DateTime(later) + " 发布"), after);
        Assert.DoesNotContain(WebUtility.HtmlEncode(PortalFormat.DateTime(China(year, 12, 22, 9))), after);
    }
}
