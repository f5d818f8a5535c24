using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Outbox;

/// <summary>
/// Fault: a dependency behind the outbox is down (mail server, webhook receiver, SMS gateway). What must hold: retries
/// are spread by jitter and never wait longer than the cap, and admins see the backlog per kind (pending, retrying,
/// dead, the oldest wait). The closed-port delivery itself: OutboxRetryTests (SMTP), WebhookDeliveryTests and SmsGatewayFaultTests.
/// </summary>
public sealed class OutboxFaultTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void A_jittered_wait_is_at_most_the_capped_wait_and_at_least_its_share(double random)
    {
        var policy = new OutboxRetryPolicy(8, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        for (var attempt = 1; attempt < 8; attempt++)
        {
            var wait = policy.BackoffAfter(attempt);
            var jittered = OutboxWorker.Jittered(wait, 0.2, random);
            Assert.InRange(jittered, wait * 0.8, wait);
            Assert.True(jittered <= policy.MaxBackoff);
        }
        Assert.Equal(TimeSpan.FromSeconds(10), OutboxWorker.Jittered(TimeSpan.FromSeconds(10), 0, random));
    }

    [Fact]
    public async Task The_backlog_counts_pending_retrying_and_dead_messages_per_kind_and_the_oldest_wait()
    {
        // Kinds no handler delivers: the worker leaves them as they are.
        var kind = "fault-test-" + Guid.NewGuid().ToString("N")[..8];
        var other = kind + "-b";
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await using (var db = await NewContextAsync())
        {
            db.OutboxMessages.AddRange(
                Message(kind, now.AddMinutes(-30), attempts: 0),
                Message(kind, now.AddMinutes(-5), attempts: 0),
                Message(kind, now.AddMinutes(-20), attempts: 3),
                Message(kind, now.AddHours(-5), attempts: 8, failedAt: now.AddHours(-1)),
                Message(kind, now.AddHours(-9), attempts: 1, deliveredAt: now.AddHours(-8)),
                Message(other, now.AddMinutes(-2), attempts: 1));
            await db.SaveChangesAsync();
        }

        await using var check = await NewContextAsync();
        var backlog = await OutboxStatus.BacklogAsync(check, now);

        var mine = Assert.Single(backlog, k => k.Kind == kind);
        Assert.Equal((2, 1, 1), (mine.Pending, mine.Retrying, mine.Dead));
        Assert.Equal(TimeSpan.FromMinutes(30), mine.OldestAge);
        var second = Assert.Single(backlog, k => k.Kind == other);
        Assert.Equal((0, 1, 0, TimeSpan.FromMinutes(2)), (second.Pending, second.Retrying, second.Dead, second.OldestAge));
    }

    private static OutboxMessage Message(string kind, DateTimeOffset created, int attempts, DateTimeOffset? failedAt = null, DateTimeOffset? deliveredAt = null) => new()
    {
        Kind = kind, Payload = "{}", CreatedAt = created, AttemptCount = attempts, NextAttemptAt = created.AddYears(1),
        FailedAt = failedAt, DeliveredAt = deliveredAt,
    };

    private async Task<ScorePortalDbContext> NewContextAsync() =>
        await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
}
