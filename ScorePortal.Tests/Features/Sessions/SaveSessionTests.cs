using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Components.Forms;
using ScorePortal.Data;
using ScorePortal.Features.Results;
using ScorePortal.Features.Sessions;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Sessions;

/// <summary>Sessions saved through the admin use case on the demo portal; every test uses its own year (2071 on).</summary>
public sealed class SaveSessionTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private static int _nextYear = 2070;
    private static int NewYear() => Interlocked.Increment(ref _nextYear);

    private ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    private async Task<EditResult> SaveAsync(SaveSessionRequest request)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SaveSession>().HandleAsync(request);
    }

    private static SaveSessionRequest Valid(int year, int? id = null) => new(id, year, ExamHalf.H1, $"{year}年上半年考试", $"{year} first-half examination",
        new DateOnly(year, 5, 23), new DateOnly(year, 5, 24),
        SaveSession.ChinaTime(new DateTime(year, 7, 8), new TimeSpan(9, 0, 0)),
        SaveSession.ChinaTime(new DateTime(year, 7, 8), new TimeSpan(9, 0, 0)),
        SaveSession.ChinaTime(new DateTime(year, 7, 22), new TimeSpan(17, 0, 0)), "test-admin");

    private async Task<List<AuditEntry>> AuditAsync(int sessionId)
    {
        await using var db = Db();
        var id = sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.SessionChange && e.TargetId == id).OrderBy(e => e.Sequence).ToListAsync();
    }

    [Fact]
    public async Task The_promised_review_decision_days_are_set_per_session_within_bounds_and_kept_when_not_given()
    {
        var year = NewYear();
        var created = await SaveAsync(Valid(year) with { ReviewDecisionDays = 30 });
        Assert.True(created.Succeeded);
        var id = created.Id!.Value;

        var tooLong = await SaveAsync(Valid(year, id) with { ReviewDecisionDays = SaveSession.MaxReviewDecisionDays + 1, LoadedVersion = await VersionAsync(id) });
        var none = await SaveAsync(Valid(year, id) with { ReviewDecisionDays = 0, LoadedVersion = await VersionAsync(id) });
        var kept = await SaveAsync(Valid(year, id) with { NameEn = $"{year} first-half exam", LoadedVersion = await VersionAsync(id) });

        Assert.Equal(SaveSession.ReviewDecisionDaysRange, Assert.Single(tooLong.Errors).Key);
        Assert.Equal(SaveSession.ReviewDecisionDaysRange, Assert.Single(none.Errors).Key);
        Assert.True(kept.Succeeded);
        await using var db = Db();
        Assert.Equal(30, (await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id)).ReviewDecisionDays);
    }

    private async Task<string> VersionAsync(int id)
    {
        await using var db = Db();
        return SaveSession.VersionOf(await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == id));
    }

    [Fact]
    public async Task Dates_out_of_order_and_missing_names_are_refused_with_their_messages_and_nothing_is_stored()
    {
        var year = NewYear();
        await using (var db = Db())
        {
            var before = await db.ExamSessions.CountAsync();
            var audits = await db.AuditEntries.CountAsync(e => e.Action == AuditActions.SessionChange);

            var result = await SaveAsync(Valid(year) with
            {
                NameZh = "  ",
                NameEn = new string('x', 129),
                ExamEndDate = new DateOnly(year, 5, 22),
                ReleaseAt = SaveSession.ChinaTime(new DateTime(year, 5, 22), new TimeSpan(23, 0, 0)),
                ReviewOpensAt = SaveSession.ChinaTime(new DateTime(year, 5, 21), new TimeSpan(9, 0, 0)),
                ReviewClosesAt = SaveSession.ChinaTime(new DateTime(year, 5, 20), new TimeSpan(9, 0, 0)),
            });

            Assert.False(result.Succeeded);
            Assert.Equal(
                [EditValidator.Required, EditValidator.TooLong, SaveSession.EndBeforeStart, SaveSession.ReleaseBeforeExamEnd,
                 SaveSession.ReviewOpensBeforeRelease, SaveSession.ReviewClosesBeforeOpen],
                result.Keys.ToArray());
            Assert.Equal(128, result.Errors.Single(e => e.Key == EditValidator.TooLong).Args.Single());
            Assert.Equal(before, await db.ExamSessions.CountAsync());
            Assert.Equal(audits, await db.AuditEntries.CountAsync(e => e.Action == AuditActions.SessionChange));
        }
    }

    [Fact]
    public async Task Release_on_the_last_exam_day_is_refused_but_the_next_morning_is_accepted()
    {
        var year = NewYear();
        var sameDay = await SaveAsync(Valid(year) with
        {
            ReleaseAt = SaveSession.ChinaTime(new DateTime(year, 5, 24), new TimeSpan(20, 0, 0)),
            ReviewOpensAt = SaveSession.ChinaTime(new DateTime(year, 5, 25), new TimeSpan(9, 0, 0)),
        });
        var nextMorning = await SaveAsync(Valid(year) with { ReleaseAt = SaveSession.ChinaTime(new DateTime(year, 5, 25), new TimeSpan(0, 0, 0)) });

        Assert.Equal([SaveSession.ReleaseBeforeExamEnd], sameDay.Keys.ToArray());
        Assert.True(nextMorning.Succeeded);
    }

    [Fact]
    public async Task A_second_session_for_the_same_year_and_half_is_refused()
    {
        var year = NewYear();
        Assert.True((await SaveAsync(Valid(year))).Succeeded);

        var again = await SaveAsync(Valid(year) with { NameZh = "重复" });

        Assert.Equal([SaveSession.Duplicate], again.Keys.ToArray());
        Assert.Equal($"{year}H1", again.Errors[0].Args.Single());
    }

    [Fact]
    public async Task A_new_session_is_stored_in_utc_audited_and_listed_by_the_session_catalog_at_once()
    {
        var year = NewYear();
        var catalog = portal.Services.GetRequiredService<SessionCatalog>();
        Assert.DoesNotContain(await catalog.AllAsync(), s => s.Year == year); // warms the cache

        var result = await SaveAsync(Valid(year));

        Assert.True(result.Succeeded);
        await using var db = Db();
        var stored = await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == result.Id);
        Assert.Equal($"{year}H1", stored.Code);
        Assert.Equal(new DateTimeOffset(year, 7, 8, 1, 0, 0, TimeSpan.Zero), stored.ReleaseAt);
        Assert.Null(stored.PublishedAt);
        var listed = Assert.Single(await catalog.AllAsync(), s => s.Year == year);
        Assert.Equal($"{year} first-half examination", listed.NameEn);
        var audit = Assert.Single(await AuditAsync(stored.Id));
        Assert.Equal("test-admin", audit.ActorUserId);
        Assert.Contains("\"create\"", audit.DataJson);
    }

    [Fact]
    public async Task An_edit_is_stored_shows_in_the_session_catalog_immediately_and_audits_the_changed_fields()
    {
        var year = NewYear();
        var id = (await SaveAsync(Valid(year))).Id!.Value;
        var catalog = portal.Services.GetRequiredService<SessionCatalog>();
        Assert.Equal($"{year} first-half examination", (await catalog.ByCodeAsync($"{year}H1"))!.NameEn);

        var later = SaveSession.ChinaTime(new DateTime(year, 7, 9), new TimeSpan(10, 30, 0));
        var result = await SaveAsync(Valid(year, id) with { NameEn = "Renamed session", ReleaseAt = later, ReviewOpensAt = later });

        Assert.True(result.Succeeded);
        var info = (await catalog.ByCodeAsync($"{year}H1"))!;
        Assert.Equal("Renamed session", info.NameEn);
        Assert.Equal(later, info.ReleaseAt);
        var edit = (await AuditAsync(id)).Last();
        Assert.Contains("NameEn,ReleaseAt,ReviewOpensAt", edit.DataJson);
        Assert.DoesNotContain("Renamed session", edit.DataJson);
    }

    [Fact]
    public async Task The_year_of_a_session_with_registrations_cannot_change()
    {
        await using var db = Db();
        var session = await db.ExamSessions.AsNoTracking().FirstAsync(s => s.Registrations.Any());

        var result = await SaveAsync(new SaveSessionRequest(session.Id, NewYear(), session.Half, session.NameZh, session.NameEn,
            session.ExamStartDate, session.ExamEndDate, session.ReleaseAt, session.ReviewOpensAt, session.ReviewClosesAt, "test-admin"));

        Assert.Equal([SaveSession.CodeLocked], result.Keys.ToArray());
        Assert.Equal(session.Year, (await db.ExamSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id)).Year);
    }
}
