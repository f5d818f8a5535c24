using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Reminders;
using ScorePortal.Model;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Reminders;

/// <summary>The expansion across a restart, and the limits of the subscription form.</summary>
public sealed class ReminderRestartAndLimitsTests
{
    [Fact]
    public async Task A_restart_in_the_middle_of_an_expansion_goes_on_from_its_cursor_and_sends_nobody_twice()
    {
        var folder = Directory.CreateTempSubdirectory("scoreportal-reminders-");
        var settings = new Dictionary<string, string?>(ReminderPortal.Settings)
        {
            ["ConnectionStrings:ScorePortal"] = $"Data Source={Path.Combine(folder.FullName, "reminders.db")}",
            ["Security:KeyDirectory"] = Path.Combine(folder.FullName, "keys"),
            ["Audit:CheckpointDirectory"] = Path.Combine(folder.FullName, "checkpoints"),
        };
        var emails = Enumerable.Range(0, 5).Select(i => ReminderTestData.NewEmail($"restart{i}")).ToList();
        try
        {
            long runId;
            await using (var first = new DemoPortal(settings, candidates: 5))
            {
                var data = new ReminderTestData(first);
                var session = await data.UpcomingSessionAsync();
                foreach (var email in emails) await data.ConfirmedAsync(email, session);
                await data.PublishAsync(session);
                // Published now: the worker expands the first page at once and sends its first mail; the rest wait for
                // their slots (the test's clock stands still). Then the process dies.
                await first.WaitForOutboxAsync(async () =>
                {
                    await using var db = data.Db();
                    return await db.ReminderRuns.AnyAsync(r => r.ExamSessionId == session.Id && r.Cursor > 0)
                           && await db.ReminderSends.CountAsync(s => s.SentAt != null && db.ReminderRuns.Any(r => r.Id == s.RunId && r.ExamSessionId == session.Id)) == 1;
                });
                await using (var db = data.Db())
                {
                    var started = await db.ReminderRuns.AsNoTracking().SingleAsync(r => r.ExamSessionId == session.Id);
                    runId = started.Id;
                    Assert.Null(started.ExpandedAt);
                    Assert.Equal(2, started.Queued);
                }
                // A page message delivered again (the crash came between its commit and its mark) does nothing.
                Assert.Equal(0, await data.Service<ReminderPageHandler>().ExpandAsync(new ReminderPageHandler.Page(runId, 0), default));
            }

            await using var second = new DemoPortal(settings, candidates: 5);
            var after = new ReminderTestData(second);
            second.Clock.Advance(TimeSpan.FromHours(2));
            await second.WaitForOutboxAsync(async () =>
            {
                // Each page's sends take their slots from then on: time passes between the worker's passes.
                second.Clock.Advance(TimeSpan.FromSeconds(1));
                await using var db = after.Db();
                return await db.ReminderSends.CountAsync(s => s.RunId == runId && s.SentAt != null) == emails.Count;
            }, TimeSpan.FromSeconds(60));
            await second.RunOutboxPassAsync();

            foreach (var email in emails) Assert.Single(second.Mailbox.MessagesTo(email), ReminderTestData.IsReminder);
            await using var check = after.Db();
            var run = await check.ReminderRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
            Assert.Equal(emails.Count, run.Queued);
            Assert.NotNull(run.ExpandedAt);
            Assert.Equal(emails.Count, await check.ReminderSends.CountAsync(s => s.RunId == runId));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_form_is_limited_per_address_per_minute_and_a_source_per_day()
    {
        await using var portal = PortalFactory.With(new Dictionary<string, string?>
        {
            ["PublicForms:ReminderSubscriptionsPerAddressPerMinute"] = "1",
            ["Reminders:SubscriptionsPerSourcePerDay"] = "2",
        });
        int sessionId;
        await using (var db = portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext())
        {
            var releaseAt = DateTimeOffset.UtcNow.AddDays(30);
            var session = new ExamSession
            {
                Code = "2190H2", Year = 2190, Half = ExamHalf.H2, NameZh = "2190年下半年", NameEn = "2190 second half",
                ExamStartDate = new DateOnly(2190, 11, 10), ExamEndDate = new DateOnly(2190, 11, 11),
                ReleaseAt = releaseAt, ReviewOpensAt = releaseAt, ReviewClosesAt = releaseAt.AddDays(14),
            };
            db.ExamSessions.Add(session);
            await db.SaveChangesAsync();
            sessionId = session.Id;
        }

        // Per day and source, in the use case (the limits store).
        var subscribe = portal.Services.GetRequiredService<SubscribeToReminder>();
        var outcomes = new List<SubscribeOutcome>();
        for (var i = 0; i < 3; i++)
            outcomes.Add(await subscribe.HandleAsync(new SubscribeToReminderRequest(ReminderTestData.NewEmail("limit"), sessionId, "zh-CN", "198.51.100.7", new Uri("http://localhost/"))));
        outcomes.Add(await subscribe.HandleAsync(new SubscribeToReminderRequest(ReminderTestData.NewEmail("limit"), sessionId, "zh-CN", "198.51.100.8", new Uri("http://localhost/"))));
        Assert.Equal([SubscribeOutcome.ConfirmationSent, SubscribeOutcome.ConfirmationSent, SubscribeOutcome.Limited, SubscribeOutcome.ConfirmationSent], outcomes);

        // Per minute and address, the framework policy: the second post of a minute gets the 429 page.
        using var client = new BrowserlessClient(portal);
        client.Http.DefaultRequestHeaders.Add(TestPeerAddress.Header, "203.0.113.40");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            var (_, html) = await client.GetAsync("/reminders");
            using var response = await client.SubmitPageAsync("/reminders", html, "reminders", new Dictionary<string, string>
            {
                ["Input.Email"] = ReminderTestData.NewEmail("minute"),
                ["Input.SessionId"] = sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
            });
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        // Counted for the yearly data-security report (Operations/ThrottleTally) as a form post turned away.
        Assert.True(portal.Services.GetRequiredService<ScorePortal.Operations.ThrottleTally>().Take().Forms >= 1);
    }
}
