using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ScorePortal.Data;
using ScorePortal.Platform.Outbox;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Outbox;

/// <summary>
/// A portal whose SMTP server is down until a test starts it, on a clock the test moves: backoff and dead messages
/// without waiting for real time.
/// </summary>
public class SmtpDownPortal : PortalFactory
{
    private readonly int _maxAttempts;

    public SmtpDownPortal() : this(5)
    {
    }

    protected SmtpDownPortal(int maxAttempts) => _maxAttempts = maxAttempts;

    /// <summary>Not listening until a test starts it: every connection is refused.</summary>
    public SmtpTestServer Smtp { get; } = SmtpTestServer.Create();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(30);

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in Smtp.PortalSettings) settings[key] = value;
        settings["Outbox:InitialBackoff"] = InitialBackoff.ToString();
        settings["Outbox:PollInterval"] = "00:00:05";
        settings["Outbox:JitterRatio"] = "0"; // exact waits for the assertions (jitter: OutboxFaultTests)
        settings["Outbox:MaxAttempts"] = _maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public async Task<ScorePortalDbContext> NewContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();

    public async Task<OutboxMessage> RowAsync(long id)
    {
        await using var db = await NewContextAsync();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public async Task<long> EnqueueAsync(string address)
    {
        await using var db = await NewContextAsync();
        var message = db.EnqueueEmail(new EmailMessage(address, "您的验证码", "验证码 271828"));
        await db.SaveChangesAsync();
        return message.Id;
    }
}

public sealed class OutboxRetryTests(SmtpDownPortal portal) : IClassFixture<SmtpDownPortal>
{
    [Fact]
    public async Task Worker_retries_with_backoff_while_smtp_is_down_and_delivers_exactly_once_when_it_is_back()
    {
        var address = $"retry-{Guid.NewGuid():N}@example.org";
        var id = await portal.EnqueueAsync(address);

        await portal.WaitForOutboxAsync(async () => (await portal.RowAsync(id)).AttemptCount == 1 && (await portal.RowAsync(id)).LastError is not null);
        var failed = await portal.RowAsync(id);
        Assert.Null(failed.DeliveredAt);
        Assert.Null(failed.FailedAt);
        Assert.Null(failed.LeaseId);
        Assert.Equal("Socket ConnectionRefused", failed.LastError);
        Assert.Equal((portal.Clock.GetUtcNow() + SmtpDownPortal.InitialBackoff).ToUnixTimeMilliseconds(), failed.NextAttemptAt.ToUnixTimeMilliseconds());

        // Before the backoff has passed, a pass leaves it alone even though the server is back.
        await portal.Smtp.StartAsync();
        portal.Clock.Advance(SmtpDownPortal.InitialBackoff - TimeSpan.FromSeconds(1));
        await portal.RunOutboxPassAsync();
        Assert.Equal(1, (await portal.RowAsync(id)).AttemptCount);
        Assert.Empty(portal.Smtp.MessagesTo(address));

        portal.Clock.Advance(TimeSpan.FromSeconds(1));
        await portal.RunOutboxPassAsync();
        var mail = await portal.Smtp.WaitForMessageToAsync(address, TimeSpan.FromSeconds(10));
        Assert.Contains("271828", mail.TextBody);

        var delivered = await portal.RowAsync(id);
        Assert.Equal(2, delivered.AttemptCount);
        Assert.Equal(portal.Clock.GetUtcNow().ToUnixTimeMilliseconds(), delivered.DeliveredAt?.ToUnixTimeMilliseconds());
        Assert.Null(delivered.LastError);

        // Later passes, even much later, never send it again.
        portal.Clock.Advance(TimeSpan.FromHours(2));
        await portal.RunOutboxPassAsync();
        Assert.Single(portal.Smtp.MessagesTo(address));
    }
}

public sealed class OutboxDeadLetterTests(OutboxDeadLetterTests.Portal portal) : IClassFixture<OutboxDeadLetterTests.Portal>
{
    public sealed class Portal() : SmtpDownPortal(maxAttempts: 2);

    [Fact]
    public async Task A_message_is_dead_after_the_last_allowed_attempt_and_counted_for_admins()
    {
        var id = await portal.EnqueueAsync($"dead-{Guid.NewGuid():N}@example.org");
        // The attempt is counted when the message is claimed, before the send fails: wait until the failure (and with
        // it the next attempt's time) is recorded, or the clock below moves while the first attempt is still running
        // and its retry is scheduled from the moved clock, beyond the test's reach.
        await portal.WaitForOutboxAsync(async () => await portal.RowAsync(id) is { AttemptCount: 1, LastError: not null });

        portal.Clock.Advance(SmtpDownPortal.InitialBackoff);
        await portal.WaitForOutboxAsync(async () => (await portal.RowAsync(id)).FailedAt is not null);

        var dead = await portal.RowAsync(id);
        Assert.Equal(2, dead.AttemptCount);
        Assert.Null(dead.DeliveredAt);
        Assert.Equal("Socket ConnectionRefused", dead.LastError);
        await using var db = await portal.NewContextAsync();
        Assert.Equal(1, await OutboxStatus.CountDeadAsync(db));

        // A dead message is not tried again, however much later.
        portal.Clock.Advance(TimeSpan.FromDays(1));
        await portal.RunOutboxPassAsync();
        Assert.Equal(2, (await portal.RowAsync(id)).AttemptCount);
    }
}
