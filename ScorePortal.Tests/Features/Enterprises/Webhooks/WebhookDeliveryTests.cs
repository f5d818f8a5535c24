using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;
using ScorePortal.Tests.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.BatchTestData;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// Notices through the outbox to a real HTTP listener on loopback (the test-only setting lets plain HTTP to loopback
/// through): signed as docs/webhooks.md says, retried on their own policy with the portal's clock moved by the test,
/// stopped before any request when the consent or the enterprise no longer allows it, re-sent with the same key.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookPortal fixture) : IClassFixture<WebhookPortal>
{
    private readonly BatchTestData _batches = new(fixture.Portal);
    private readonly WebhookTestData _data = new(fixture.Portal);
    private DemoPortal Portal => fixture.Portal;
    private WebhookReceiver Receiver => fixture.Receiver;

    /// <summary>The receiver's check, copied from docs/webhooks.md ("Verifying the signature", C#), independent of the portal's code.</summary>
    private static bool Verify(string secretBase64, string signatureHeader, byte[] body, DateTimeOffset now)
    {
        var parts = signatureHeader.Split(',').Select(p => p.Trim().Split('=', 2)).Where(p => p.Length == 2).ToList();
        if (parts.FirstOrDefault(p => p[0] == "t") is not { } t || !long.TryParse(t[1], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300) return false;
        var signed = Encoding.ASCII.GetBytes(t[1] + ".").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromBase64String(secretBase64), signed)));
        return parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(p[1])));
    }

    private static bool SignatureHolds(string secret, ReceivedWebhook request, DateTimeOffset now) =>
        request.Header("X-ScorePortal-Signature").StartsWith("t=" + request.Header("X-ScorePortal-Timestamp") + ",", StringComparison.Ordinal)
        && Verify(secret, request.Header("X-ScorePortal-Signature"), request.Body, now);

    private async Task<OutboxMessage> MessageOfAsync(WebhookDelivery delivery) =>
        (await _data.MessagesAsync(delivery.EventId)).Last(m => m.Notice.ConsentId == delivery.ConsentId).Row;

    /// <summary>An employee's consent to an enterprise whose callback is a fresh path of the receiver (nothing published).</summary>
    private async Task<(Enterprise Enterprise, Consent Consent, string Callback)> ConsentingEmployeeAsync(
        bool revoked = false, DateTimeOffset? expiresAt = null, bool suspended = false, string? callback = null)
    {
        callback ??= Receiver.NewCallback();
        var enterprise = await _data.EnterpriseAsync(callback, suspended: suspended);
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H1);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var candidate = await _batches.CandidateAsync();
        await _batches.RegisterAsync(candidate, session, qualification);
        var consent = await _data.ConsentAsync(enterprise, candidate, [qualification], revoked: revoked, expiresAt: expiresAt);
        return (enterprise, consent, callback);
    }

    private async Task<WebhookDelivery> DeliveryOfAsync(Consent consent)
    {
        await using var db = _data.Db();
        return await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).SingleAsync(d => d.ConsentId == consent.Id);
    }

    private async Task<bool> HasDeliveryAsync(Consent consent, Func<WebhookDelivery, bool> condition)
    {
        await using var db = _data.Db();
        var delivery = await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).FirstOrDefaultAsync(d => d.ConsentId == consent.Id);
        return delivery is not null && condition(delivery);
    }

    [Fact]
    public async Task A_publication_reaches_the_listener_signed_and_a_500_is_retried_after_the_notices_own_backoff_with_the_same_key()
    {
        var callback = Receiver.NewCallback();
        Receiver.Answer(callback, 500);
        var enterprise = await _data.EnterpriseAsync(callback);
        var session = await _batches.PastSessionAsync(NewYear(), ExamHalf.H2);
        var qualification = await _batches.NewQualificationAsync(validityYears: 1);
        var candidate = await _batches.CandidateAsync();
        var registration = await _batches.RegisterAsync(candidate, session, qualification);
        var consent = await _data.ConsentAsync(enterprise, candidate, [qualification], employeeId: "E2023001");

        await _batches.PublishedAsync(session, Result(registration, qualification, "JC", "52"), Result(registration, qualification, "YY", "48"));

        // The result event, then the notice it queued; wait until the failed first attempt is fully recorded.
        await Portal.WaitForOutboxAsync(async () => await HasDeliveryAsync(consent, d => d.Attempts == 1)
                                                    && (await MessageOfAsync(await DeliveryOfAsync(consent))).LastError is not null);
        var first = Assert.Single(Receiver.To(callback));
        Assert.True(SignatureHolds(enterprise.WebhookSecret!, first, Portal.Clock.GetUtcNow()));
        Assert.Equal("application/json; charset=utf-8", first.Header("Content-Type"));
        Assert.Equal("ScorePortal-Webhooks/1.0", first.Header("User-Agent"));
        using (var json = JsonDocument.Parse(first.Body))
        {
            var body = json.RootElement;
            Assert.Equal(["event", "employee_id", "occurred_at", "delivery_id"], body.EnumerateObject().Select(p => p.Name));
            Assert.Equal("result.published", body.GetProperty("event").GetString());
            Assert.Equal("E2023001", body.GetProperty("employee_id").GetString());
            Assert.Equal(first.Header("Idempotency-Key"), body.GetProperty("delivery_id").GetString());
            Assert.Equal(Portal.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                DateTimeOffset.Parse(body.GetProperty("occurred_at").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        }

        var failed = await DeliveryOfAsync(consent);
        Assert.Equal((WebhookDeliveryStatus.Pending, 500, "HTTP 500"), (failed.Status, failed.LastStatusCode, failed.LastError));
        Assert.Equal(first.Header("Idempotency-Key"), failed.IdempotencyKey);
        // The notice's own policy (2 minutes here), not the outbox default (10 s).
        var message = await MessageOfAsync(failed);
        Assert.Equal((Portal.Clock.GetUtcNow() + WebhookPortal.InitialBackoff).ToUnixTimeMilliseconds(), message.NextAttemptAt.ToUnixTimeMilliseconds());
        Assert.Null(message.FailedAt);

        Portal.Clock.Advance(WebhookPortal.InitialBackoff - TimeSpan.FromSeconds(1));
        await Portal.RunOutboxPassAsync();
        Assert.Single(Receiver.To(callback));

        Portal.Clock.Advance(TimeSpan.FromSeconds(1));
        await Portal.WaitForOutboxAsync(() => HasDeliveryAsync(consent, d => d.Status != WebhookDeliveryStatus.Pending));

        var requests = Receiver.To(callback);
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Header("Idempotency-Key"), requests[1].Header("Idempotency-Key"));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.NotEqual(requests[0].Header("X-ScorePortal-Timestamp"), requests[1].Header("X-ScorePortal-Timestamp"));
        Assert.True(SignatureHolds(enterprise.WebhookSecret!, requests[1], Portal.Clock.GetUtcNow()));
        var delivered = await DeliveryOfAsync(consent);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 2, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Equal(Portal.Clock.GetUtcNow().ToUnixTimeMilliseconds(), delivered.DeliveredAt?.ToUnixTimeMilliseconds());
        Assert.Equal([500, 200], delivered.AttemptLog.OrderBy(a => a.Id).Select(a => a.StatusCode));
        Assert.All(delivered.AttemptLog, a => Assert.False(a.Manual));
        Assert.NotNull((await MessageOfAsync(delivered)).DeliveredAt);
    }

    /// <summary>
    /// Fault (issue #26 items 3 and 5): the enterprise's receiver is down — its callback points at a closed port (a
    /// listener bound to port 0, its port noted, the listener stopped). Must hold: the notice stays in the outbox and is
    /// retried after its own backoff; the admin dashboard's backlog shows kind <c>webhook</c>; lookups keep answering;
    /// when a listener comes up on that port the notice is delivered exactly once, with the idempotency key it was given.
    /// </summary>
    [Fact]
    public async Task A_receiver_on_a_closed_port_keeps_the_notice_retried_and_delivers_it_once_with_its_key_when_a_listener_comes_up()
    {
        var port = DependencyDown.ClosedPort();
        var callback = $"http://127.0.0.1:{port}/hook/{Guid.NewGuid():N}";
        using var admin = await DependencyDown.SignedInAdminAsync(Portal);
        var (enterprise, consent, _) = await ConsentingEmployeeAsync(callback: callback);
        var queued = await _data.DeliveryAsync(enterprise, consent);

        await Portal.WaitForOutboxAsync(async () => await MessageOfAsync(queued) is { AttemptCount: 1, LastError: not null });
        var refused = await _data.DeliveryAsync(queued.Id);
        Assert.Equal((WebhookDeliveryStatus.Pending, 1), (refused.Status, refused.Attempts));
        Assert.Null(refused.LastStatusCode);
        Assert.NotNull(refused.LastError);
        var message = await MessageOfAsync(queued);
        Assert.Null(message.FailedAt);
        Assert.Null(message.DeliveredAt);
        Assert.Equal((Portal.Clock.GetUtcNow() + WebhookPortal.InitialBackoff).ToUnixTimeMilliseconds(), message.NextAttemptAt.ToUnixTimeMilliseconds());

        var backlog = Assert.Single(await DependencyDown.DashboardBacklogAsync(admin), r => r.Kind == WebhookDeliveryHandler.Kind);
        Assert.True(backlog.Retrying >= 1, $"webhook backlog: {backlog}");
        await DependencyDown.AssertLookupAnswersAsync(Portal);

        await using var receiver = await WebhookReceiver.StartAsync(port);
        Portal.Clock.Advance(WebhookPortal.InitialBackoff);
        await Portal.WaitForOutboxAsync(async () => (await _data.DeliveryAsync(queued.Id)).Status != WebhookDeliveryStatus.Pending);

        var request = Assert.Single(receiver.To(callback));
        Assert.Equal(queued.IdempotencyKey, request.Header("Idempotency-Key"));
        Assert.True(SignatureHolds(enterprise.WebhookSecret!, request, Portal.Clock.GetUtcNow()));
        var delivered = await _data.DeliveryAsync(queued.Id);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 2, 200), (delivered.Status, delivered.Attempts, delivered.LastStatusCode));
        Assert.Equal([null, 200], delivered.AttemptLog.OrderBy(a => a.Id).Select(a => a.StatusCode));

        Portal.Clock.Advance(TimeSpan.FromHours(1));
        await Portal.RunOutboxPassAsync();
        Assert.Single(receiver.To(callback));
    }

    [Theory]
    [InlineData("revoked", "Consent revoked")]
    [InlineData("expired", "Consent expired")]
    [InlineData("suspended", "Enterprise suspended")]
    public async Task A_notice_whose_consent_or_enterprise_no_longer_allows_it_is_stopped_without_a_request(string what, string reason)
    {
        // Queued while it was allowed; by its first attempt it is not.
        var (enterprise, consent, callback) = await ConsentingEmployeeAsync(revoked: what == "revoked",
            expiresAt: what == "expired" ? Portal.Clock.GetUtcNow().AddSeconds(-1) : null, suspended: what == "suspended");
        var queued = await _data.DeliveryAsync(enterprise, consent);

        await Portal.WaitForOutboxAsync(async () => (await _data.DeliveryAsync(queued.Id)).Status != WebhookDeliveryStatus.Pending);

        var stopped = await _data.DeliveryAsync(queued.Id);
        Assert.Equal((WebhookDeliveryStatus.Stopped, reason, 0), (stopped.Status, stopped.LastError, stopped.Attempts));
        Assert.Empty(stopped.AttemptLog);
        Assert.Empty(Receiver.To(callback));
        Assert.NotNull((await MessageOfAsync(stopped)).DeliveredAt); // handled: never tried again
    }

    [Fact]
    public async Task A_410_stops_the_notice_and_a_redirect_is_not_followed()
    {
        var (enterprise, consent, callback) = await ConsentingEmployeeAsync();
        Receiver.Answer(callback, 410);
        var gone = await _data.DeliveryAsync(enterprise, consent);
        await Portal.WaitForOutboxAsync(async () => (await _data.DeliveryAsync(gone.Id)).Status != WebhookDeliveryStatus.Pending);
        var stopped = await _data.DeliveryAsync(gone.Id);
        Assert.Equal((WebhookDeliveryStatus.Stopped, 410, 1), (stopped.Status, stopped.LastStatusCode, stopped.Attempts));

        var redirecting = Receiver.NewCallback();
        var other = await _data.EnterpriseAsync(redirecting);
        Receiver.Answer(redirecting, 302);
        var test = await Portal.Services.GetRequiredService<SendTestNotice>().HandleAsync(new SendTestNoticeRequest(other.Id, "hr-user"));
        Assert.Null(test);
        await Portal.WaitForOutboxAsync(async () =>
        {
            await using var db = _data.Db();
            return await db.WebhookDeliveries.AnyAsync(d => d.EnterpriseId == other.Id && d.Status != WebhookDeliveryStatus.Pending);
        });
        await using var check = _data.Db();
        var redirected = await check.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.EnterpriseId == other.Id);
        // A test notice is tried once; the Location was not followed.
        Assert.Equal((WebhookDeliveryStatus.Failed, 302, "HTTP 302: redirects are not followed"), (redirected.Status, redirected.LastStatusCode, redirected.LastError));
        var request = Assert.Single(Receiver.To(redirecting));
        Assert.Empty(Receiver.To(new Uri(redirecting).AbsolutePath + "/redirected"));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal(("webhook.test", JsonValueKind.Null), (json.RootElement.GetProperty("event").GetString(), json.RootElement.GetProperty("employee_id").ValueKind));
        Assert.True(SignatureHolds(other.WebhookSecret!, request, Portal.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_notice_refused_for_the_whole_retry_period_is_failed_and_a_resend_delivers_it_with_the_same_key()
    {
        var (enterprise, consent, callback) = await ConsentingEmployeeAsync();
        Receiver.Answer(callback, 503, 500, 500);
        var queued = await _data.DeliveryAsync(enterprise, consent);

        // Attempts at 0, +2 and +4 minutes (6 minutes of retries in this portal): the third is the last.
        await Portal.WaitForOutboxAsync(async () => await MessageOfAsync(queued) is { AttemptCount: 1, LastError: not null });
        Portal.Clock.Advance(TimeSpan.FromMinutes(2));
        await Portal.WaitForOutboxAsync(async () => await MessageOfAsync(queued) is { AttemptCount: 2, LastError: not null } m
                                                    && m.NextAttemptAt > Portal.Clock.GetUtcNow());
        Portal.Clock.Advance(TimeSpan.FromMinutes(4));
        await Portal.WaitForOutboxAsync(async () => (await MessageOfAsync(queued)).FailedAt is not null);

        var failed = await _data.DeliveryAsync(queued.Id);
        Assert.Equal((WebhookDeliveryStatus.Failed, 3, 500), (failed.Status, failed.Attempts, failed.LastStatusCode));
        Assert.Equal(3, Receiver.To(callback).Count);

        var admin = await _batches.UserIdAsync("admin@scoreportal.demo");
        var resend = Portal.Services.GetRequiredService<ResendWebhookDelivery>();
        Assert.Null(await resend.HandleAsync(new ResendWebhookDeliveryRequest(queued.Id, enterprise.Id, admin, Roles.Admin)));
        await Portal.WaitForOutboxAsync(async () => (await _data.DeliveryAsync(queued.Id)).Status == WebhookDeliveryStatus.Delivered);

        var requests = Receiver.To(callback);
        Assert.Equal(4, requests.Count);
        Assert.Single(requests.Select(r => r.Header("Idempotency-Key")).Distinct());
        var delivered = await _data.DeliveryAsync(queued.Id);
        Assert.True(delivered.AttemptLog.OrderBy(a => a.Id).Last().Manual);
        await using var db = _data.Db();
        var audited = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.EnterpriseWebhookResend && e.TargetId == queued.Id.ToString(CultureInfo.InvariantCulture))
            .OrderBy(e => e.Sequence).ToListAsync();
        var entry = Assert.Single(audited);
        Assert.Equal((admin, Roles.Admin), (entry.ActorUserId, entry.ActorRole));
        Assert.Contains("\"outcome\":\"done\"", entry.DataJson);
    }

    [Fact]
    public async Task A_notice_still_being_tried_is_not_re_sent_unless_nothing_has_happened_to_it_for_longer_than_any_wait()
    {
        var (enterprise, consent, _) = await ConsentingEmployeeAsync();
        var pending = await _data.DeliveryAsync(enterprise, consent, enqueue: false, attempts: 1, lastStatus: 500);
        var resend = Portal.Services.GetRequiredService<ResendWebhookDelivery>();

        Assert.Equal(ResendWebhookDelivery.StillPending,
            await resend.HandleAsync(new ResendWebhookDeliveryRequest(pending.Id, enterprise.Id, "hr-user", Roles.Enterprise)));
        Assert.Empty(await _data.MessagesAsync(pending.EventId));

        // Its worker died during the last attempt: an hour past the longest wait (4 minutes here), a person may send it again.
        Portal.Clock.Advance(TimeSpan.FromMinutes(65));
        Assert.Null(await resend.HandleAsync(new ResendWebhookDeliveryRequest(pending.Id, enterprise.Id, "hr-user", Roles.Enterprise)));
        Assert.True(Assert.Single(await _data.MessagesAsync(pending.EventId)).Notice.Manual);
    }
}
