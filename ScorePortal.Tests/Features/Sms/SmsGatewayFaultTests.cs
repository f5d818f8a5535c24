using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Notices.Sms;
using ScorePortal.Tests.Features.Enterprises.Webhooks;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Sms;

/// <summary>
/// Issue #26 items 3 and 5, the SMS gateway down: the Http adapter (<c>Sms:Adapter=Http</c>) points at a closed port.
/// What must hold: the reply stays in the outbox, retried with doubling waits; the admin dashboard's backlog shows kind
/// <c>sms</c>; lookups keep answering; once a listener comes up on that port the reply is delivered exactly once, as the
/// gateway contract says (JSON <c>{to, text, id}</c>, bearer token, the same id as idempotency key on every attempt).
/// </summary>
public sealed class SmsGatewayFaultTests
{
    private const string Token = "sms-gateway-test-token-0123456789";
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_the_gateway_on_a_closed_port_a_reply_is_kept_and_retried_and_delivered_once_when_a_listener_comes_up()
    {
        var port = DependencyDown.ClosedPort();
        await using var portal = new DemoPortal(new Dictionary<string, string?>
        {
            ["Sms:Adapter"] = "Http",
            ["Sms:CallbackSecret"] = SmsPortal.Secret,
            ["Sms:Http:Url"] = $"http://127.0.0.1:{port}/send",
            ["Sms:Http:Token"] = Token,
            ["Outbox:InitialBackoff"] = InitialBackoff.ToString(),
            ["Outbox:JitterRatio"] = "0", // exact waits for the assertions (jitter: OutboxFaultTests)
            ["Outbox:MaxAttempts"] = "6",
        });
        using var admin = await DependencyDown.SignedInAdminAsync(portal);
        Assert.Equal("Http", portal.Services.SmsSender()?.Name);

        long id;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            var message = db.EnqueueSms(new SmsMessage("+8613800138000", "2025年上半年 系统架构设计师：通过", "0123456789abcdef"));
            await db.SaveChangesAsync();
            id = message.Id;
        }

        // First attempt: the connection is refused; the reply waits for its retry, neither delivered nor dead.
        await portal.WaitForOutboxAsync(async () => await DependencyDown.OutboxRowAsync(portal, id) is { AttemptCount: 1, LastError: not null });
        var failed = await DependencyDown.OutboxRowAsync(portal, id);
        Assert.Null(failed.DeliveredAt);
        Assert.Null(failed.FailedAt);
        Assert.Equal("Socket ConnectionRefused", failed.LastError);
        Assert.Equal((portal.Clock.GetUtcNow() + InitialBackoff).ToUnixTimeMilliseconds(), failed.NextAttemptAt.ToUnixTimeMilliseconds());

        // The admin sees it on the dashboard, and the portal keeps answering lookups.
        var backlog = Assert.Single(await DependencyDown.DashboardBacklogAsync(admin), r => r.Kind == SmsOutbox.Kind);
        Assert.Equal((0, 1, 0), (backlog.Pending, backlog.Retrying, backlog.Dead));
        await DependencyDown.AssertLookupAnswersAsync(portal);

        // Second attempt, still down: the wait doubles.
        portal.Clock.Advance(InitialBackoff);
        await portal.WaitForOutboxAsync(async () => await DependencyDown.OutboxRowAsync(portal, id) is { AttemptCount: 2, LastError: not null } m
                                                    && m.NextAttemptAt > portal.Clock.GetUtcNow());
        Assert.Equal((portal.Clock.GetUtcNow() + InitialBackoff * 2).ToUnixTimeMilliseconds(),
            (await DependencyDown.OutboxRowAsync(portal, id)).NextAttemptAt.ToUnixTimeMilliseconds());

        // The gateway comes up on that port; nothing is sent before the wait is over.
        await using var gateway = await WebhookReceiver.StartAsync(port);
        portal.Clock.Advance(InitialBackoff * 2 - TimeSpan.FromSeconds(1));
        await portal.RunOutboxPassAsync();
        Assert.Empty(gateway.To("/send"));

        portal.Clock.Advance(TimeSpan.FromSeconds(1));
        await portal.WaitForOutboxAsync(async () => (await DependencyDown.OutboxRowAsync(portal, id)).DeliveredAt is not null);
        var request = Assert.Single(gateway.To("/send"));
        var messageId = id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal("Bearer " + Token, request.Header("Authorization"));
        Assert.Equal(messageId, request.Header("Idempotency-Key"));
        using (var json = JsonDocument.Parse(request.Body))
        {
            Assert.Equal(["to", "text", "id"], json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal("+8613800138000", json.RootElement.GetProperty("to").GetString());
            Assert.Equal("2025年上半年 系统架构设计师：通过", json.RootElement.GetProperty("text").GetString());
            Assert.Equal(messageId, json.RootElement.GetProperty("id").GetString());
        }
        var delivered = await DependencyDown.OutboxRowAsync(portal, id);
        Assert.Equal(3, delivered.AttemptCount);
        Assert.Null(delivered.LastError);

        Assert.DoesNotContain(await DependencyDown.DashboardBacklogAsync(admin), r => r.Kind == SmsOutbox.Kind && r.Retrying + r.Pending > 0);

        // Never again, however much later; the send is audited once (no number, no text).
        portal.Clock.Advance(TimeSpan.FromHours(2));
        await portal.RunOutboxPassAsync();
        Assert.Single(gateway.To("/send"));
        var audited = Assert.Single(await SmsPortal.AuditAsync(portal, AuditActions.SmsSend), e => e.TargetId == messageId);
        Assert.Contains("\"adapter\":\"Http\"", audited.DataJson, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", audited.DataJson, StringComparison.Ordinal);
    }
}
