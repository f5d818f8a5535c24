using System.Net;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Features.Reminders;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Reminders;

/// <summary>
/// Release reminders end to end over real SMTP (the test process's listener): subscribe, confirm, publish, the clock
/// reaches the release time, the worker sends one mail per confirmed subscriber; unsubscribing drops what is queued.
/// </summary>
public sealed partial class ReleaseRemindersTests(ReminderPortal fixture) : IClassFixture<ReminderPortal>
{
    private readonly ReminderTestData _data = new(fixture.Portal);
    private DemoPortal Portal => fixture.Portal;

    private async Task ReleaseAndDeliverAsync(Func<Task<bool>> done)
    {
        Portal.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        await Portal.WaitForOutboxAsync(() =>
        {
            // Each page's sends take their slots from then on: time passes between the worker's passes.
            Portal.Clock.Advance(TimeSpan.FromSeconds(1));
            return done();
        }, TimeSpan.FromSeconds(60));
    }

    private async Task<int> SendsAsync(long subscriptionId, bool sent)
    {
        await using var db = _data.Db();
        return await db.ReminderSends.CountAsync(s => s.SubscriptionId == subscriptionId && (s.SentAt != null) == sent);
    }

    [Fact]
    public async Task A_confirmed_subscriber_gets_one_reminder_in_their_language_with_a_lookup_link_and_no_score_and_unsubscribing_drops_the_queued_one()
    {
        var session = await _data.UpcomingSessionAsync();
        var zh = ReminderTestData.NewEmail("zh");
        var leaving = ReminderTestData.NewEmail("leaving");
        var en = ReminderTestData.NewEmail("en");
        var unconfirmed = ReminderTestData.NewEmail("unconfirmed");
        var zhId = await _data.ConfirmedAsync(zh, session);
        var leavingId = await _data.ConfirmedAsync(leaving, session);
        var enId = await _data.ConfirmedAsync(en, session, "en-US");
        Assert.Equal(SubscribeOutcome.ConfirmationSent, await _data.SubscribeAsync(unconfirmed, session));
        var leavingConfirmation = await Portal.Mailbox.WaitForMessageToAsync(leaving, ReminderTestData.MailWait);

        // Published now: the first page (two subscriptions) is queued at once at the configured pace; the first send is
        // due now, the second a slot later (the test's clock stands still until it is moved).
        await _data.PublishAsync(session);
        await Portal.WaitForOutboxAsync(async () => Portal.Mailbox.MessagesTo(zh).Any(ReminderTestData.IsReminder) && await SendsAsync(leavingId, sent: false) == 1);

        // The confirmation mail's own unsubscribe link ends that subscription; its queued reminder is dropped.
        var (id, token) = ReminderTestData.Link(leavingConfirmation, "unsubscribe");
        Assert.Equal(leavingId, id);
        Assert.Equal(ReminderLinkOutcome.Done, await _data.Service<UnsubscribeReminder>().HandleAsync(new ReminderLinkRequest(id, token, null)));

        await ReleaseAndDeliverAsync(async () => Portal.Mailbox.MessagesTo(en).Any(ReminderTestData.IsReminder)
                                                 && await SendsAsync(zhId, sent: true) == 1 && await SendsAsync(enId, sent: true) == 1);
        await Portal.RunOutboxPassAsync();

        var zhMail = Assert.Single(Portal.Mailbox.MessagesTo(zh), ReminderTestData.IsReminder);
        var enMail = Assert.Single(Portal.Mailbox.MessagesTo(en), ReminderTestData.IsReminder);
        Assert.Contains(session.NameZh, zhMail.TextBody, StringComparison.Ordinal);
        Assert.Contains("成绩已发布", zhMail.Subject, StringComparison.Ordinal);
        Assert.Contains(session.NameEn, enMail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Results are out", enMail.Subject, StringComparison.Ordinal);
        foreach (var mail in new[] { zhMail, enMail })
        {
            // A link to the lookup and the subscriber's own unsubscribe link; the scores (50) appear nowhere.
            var text = ReminderTestData.LinkPattern().Replace(mail.TextBody ?? "", "")
                .Replace(session.NameZh, "", StringComparison.Ordinal).Replace(session.NameEn, "", StringComparison.Ordinal);
            Assert.Contains("http://localhost/lookup", text, StringComparison.Ordinal);
            Assert.DoesNotContain("50", text, StringComparison.Ordinal);
            Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
            Assert.Matches(@"^<http://localhost/reminders/one-click\?s=\d+&t=[A-Za-z0-9_-]+>$", mail.Headers["List-Unsubscribe"]);
        }
        Assert.Equal(zhId, ReminderTestData.Link(zhMail, "unsubscribe").Id);
        Assert.DoesNotContain(Portal.Mailbox.MessagesTo(leaving), ReminderTestData.IsReminder);
        Assert.DoesNotContain(Portal.Mailbox.MessagesTo(unconfirmed), ReminderTestData.IsReminder);
        Assert.Equal(0, await SendsAsync(leavingId, sent: true));
        Assert.Equal(1, await SendsAsync(leavingId, sent: false));
    }

    [Fact]
    public async Task The_one_click_post_of_a_reminder_unsubscribes_and_a_link_made_for_another_address_does_nothing()
    {
        var session = await _data.UpcomingSessionAsync();
        var mine = ReminderTestData.NewEmail("mine");
        var theirs = ReminderTestData.NewEmail("theirs");
        var mineId = await _data.ConfirmedAsync(mine, session);
        var theirsId = await _data.ConfirmedAsync(theirs, session);
        var (_, myToken) = ReminderTestData.Link(Portal.Mailbox.MessagesTo(mine)[0], "unsubscribe");
        using var client = new BrowserlessClient(Portal);

        // My token with their id, and a made-up token: refused, nothing changes.
        using (var forged = await client.Http.PostAsync($"/reminders/one-click?s={theirsId}&t={myToken}",
                   new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" })))
            Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(ReminderLinkOutcome.Invalid, await _data.Service<UnsubscribeReminder>().HandleAsync(new ReminderLinkRequest(theirsId, "AAAA", null)));
        // A confirmation token is not an unsubscribe token either.
        var (_, confirmToken) = ReminderTestData.Link(Portal.Mailbox.MessagesTo(theirs)[0], "confirm");
        Assert.Equal(ReminderLinkOutcome.Invalid, await _data.Service<UnsubscribeReminder>().HandleAsync(new ReminderLinkRequest(theirsId, confirmToken, null)));
        Assert.Equal(ReminderStatus.Confirmed, (await _data.SubscriptionAsync(theirsId)).Status);

        // The mail client's RFC 8058 POST (no cookie, no antiforgery token) with my own link.
        using (var oneClick = await client.Http.PostAsync($"/reminders/one-click?s={mineId}&t={myToken}",
                   new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" })))
            Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        Assert.Equal(ReminderStatus.Unsubscribed, (await _data.SubscriptionAsync(mineId)).Status);
        Assert.Equal(ReminderStatus.Confirmed, (await _data.SubscriptionAsync(theirsId)).Status);

        // Opened in a browser instead, the one-click address leads to the page with the button.
        using var opened = await client.Http.GetAsync($"/reminders/one-click?s={mineId}&t={myToken}");
        Assert.Equal($"/reminders/unsubscribe?s={mineId}&t={myToken}", opened.RedirectTarget());

        await using var db = _data.Db();
        Assert.Contains(await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.ReminderUnsubscribe).Select(e => e.DataJson).ToListAsync(),
            json => json != null && json.Contains("Invalid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Asking_again_gets_the_same_answer_and_no_second_mail_within_the_spacing_and_a_confirmed_address_gets_none()
    {
        var session = await _data.UpcomingSessionAsync();
        var email = ReminderTestData.NewEmail("again");
        using var client = new BrowserlessClient(Portal);

        var first = await SubscribeThroughThePageAsync(client, email, session.Id);
        await Portal.Mailbox.WaitForMessageToAsync(email, ReminderTestData.MailWait);
        var second = await SubscribeThroughThePageAsync(client, email.ToUpperInvariant(), session.Id);
        var fresh = await SubscribeThroughThePageAsync(client, ReminderTestData.NewEmail("fresh"), session.Id);

        Assert.Equal(first, second);
        Assert.Equal(first, fresh);
        Assert.Equal(SubscribeOutcome.NothingSent, await _data.SubscribeAsync(email, session));

        // Past the spacing an unconfirmed address may ask for its link again; once confirmed, asking sends nothing.
        Portal.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(SubscribeOutcome.ConfirmationSent, await _data.SubscribeAsync(email, session));
        await Portal.WaitForOutboxAsync(() => Task.FromResult(Portal.Mailbox.MessagesTo(email).Count == 2));
        var (id, token) = ReminderTestData.Link(Portal.Mailbox.MessagesTo(email)[1], "confirm");
        Assert.Equal(ReminderLinkOutcome.Done, await _data.Service<ConfirmReminder>().HandleAsync(new ReminderLinkRequest(id, token, null)));
        Portal.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(first, await SubscribeThroughThePageAsync(client, email, session.Id));
        await Portal.RunOutboxPassAsync();
        Assert.Equal(2, Portal.Mailbox.MessagesTo(email).Count);

        await using var db = _data.Db();
        Assert.Equal(1, await db.ReminderSubscriptions.CountAsync(s => s.ExamSessionId == session.Id && s.Id == id));
    }

    [Fact]
    public async Task A_wrong_captcha_is_refused_on_the_page_and_sends_nothing()
    {
        var session = await _data.UpcomingSessionAsync();
        var email = ReminderTestData.NewEmail("captcha");
        using var client = new BrowserlessClient(Portal);
        var (_, html) = await client.GetAsync("/reminders");
        using var response = await client.SubmitPageAsync("/reminders", html, "reminders", new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.SessionId"] = session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.CaptchaAnswer"] = "WRONG",
        });
        var page = await response.Content.ReadAsStringAsync();

        Assert.Contains("data-testid=\"form-errors\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"reminders-result\"", page, StringComparison.Ordinal);
        await using var db = _data.Db();
        Assert.Equal(0, await db.ReminderSubscriptions.CountAsync(s => s.ExamSessionId == session.Id));
    }

    [Fact]
    public async Task A_retraction_cancels_the_run_and_the_sends_not_yet_made_are_dropped()
    {
        var session = await _data.UpcomingSessionAsync();
        var first = ReminderTestData.NewEmail("retracted-first");
        var second = ReminderTestData.NewEmail("retracted-second");
        await _data.ConfirmedAsync(first, session);
        var secondId = await _data.ConfirmedAsync(second, session);
        var batchId = await _data.PublishAsync(session);
        // The first send is due at once; the second waits for its slot (the clock stands still).
        await Portal.WaitForOutboxAsync(async () => Portal.Mailbox.MessagesTo(first).Any(ReminderTestData.IsReminder) && await SendsAsync(secondId, sent: false) == 1);

        await _data.RetractAsync(batchId);
        await Portal.WaitForOutboxAsync(async () =>
        {
            await using var db = _data.Db();
            return await db.ReminderRuns.AnyAsync(r => r.ExamSessionId == session.Id && r.CancelledAt != null);
        });
        Portal.Clock.Advance(TimeSpan.FromMinutes(5));
        await Portal.WaitForOutboxAsync(async () =>
        {
            await using var db = _data.Db();
            return !await db.OutboxMessages.AnyAsync(m => m.DeliveredAt == null && m.FailedAt == null && m.Kind == ReminderMailHandler.MailKind);
        });

        Assert.DoesNotContain(Portal.Mailbox.MessagesTo(second), ReminderTestData.IsReminder);
        Assert.Equal(0, await SendsAsync(secondId, sent: true));
    }

    [Fact]
    public async Task A_signed_in_candidate_subscribes_with_one_click_on_me_confirmed_at_once()
    {
        var session = await _data.UpcomingSessionAsync();
        var (client, userId, email) = await ScorePortal.Tests.Features.Me.CandidateTestSupport.SignedInCandidateAsync(Portal);
        using var signedIn = client;

        var (_, before) = await client.GetAsync("/me");
        var form = CardForms().Matches(before).Select(m => m.Value)
            .Single(f => f.Contains($"name=\"sessionId\" value=\"{session.Id}\"", StringComparison.Ordinal));
        var fields = HiddenInputs().Matches(form).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        using (var posted = await client.Http.PostAsync(ReminderEndpoints.SubscribeMePath, new FormUrlEncodedContent(fields)))
            Assert.Equal("/me", posted.RedirectTarget());

        var (_, after) = await client.GetAsync("/me");
        Assert.Contains("data-testid=\"me-reminder-on\"", after, StringComparison.Ordinal);
        await using var db = _data.Db();
        var subscription = await db.ReminderSubscriptions.AsNoTracking().SingleAsync(s => s.ExamSessionId == session.Id && s.UserId == userId);
        Assert.Equal(ReminderStatus.Confirmed, subscription.Status);
        Assert.Equal(email, subscription.Email);
        // Confirmed by the account: no confirmation mail.
        Assert.Empty(Portal.Mailbox.MessagesTo(email));
    }

    [System.Text.RegularExpressions.GeneratedRegex("<form method=\"post\" action=\"/reminders/me\".*?</form>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CardForms();

    [System.Text.RegularExpressions.GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\"")]
    private static partial System.Text.RegularExpressions.Regex HiddenInputs();

    private static async Task<string> SubscribeThroughThePageAsync(BrowserlessClient client, string email, int sessionId)
    {
        var (_, html) = await client.GetAsync("/reminders");
        using var response = await client.SubmitPageAsync("/reminders", html, "reminders", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.SessionId"] = sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var start = page.IndexOf("data-testid=\"reminders-result\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "The page gave no answer.");
        return page[start..page.IndexOf("</div>", start, StringComparison.Ordinal)];
    }
}
