using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Features.Enterprises;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Model;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>
/// A demo portal for the webhook tests: its own clock, loopback HTTP allowed for the test's listener (the test-only
/// setting), and a short retry period: waits of 2 and 4 minutes, so a notice has 3 attempts.
/// </summary>
public sealed class WebhookPortal : IAsyncLifetime
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromMinutes(2);

    public DemoPortal Portal { get; } = new(new Dictionary<string, string?>
    {
        ["Enterprises:Webhooks:AllowLoopbackHttpForTests"] = "true",
        ["Enterprises:Webhooks:InitialBackoff"] = "00:02:00",
        ["Enterprises:Webhooks:MaxBackoff"] = "00:04:00",
        ["Enterprises:Webhooks:RetryFor"] = "00:06:00",
        // Exact waits for the assertions (jitter has its own test: OutboxFaultTests).
        ["Outbox:JitterRatio"] = "0",
    }, candidates: 20);

    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _ = Portal.Services; // starts the host
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Portal.DisposeAsync();
    }
}

/// <summary>Enterprises, consents, enterprise accounts and deliveries, inserted directly (their own use cases are another part's).</summary>
internal sealed class WebhookTestData(DemoPortal portal)
{
    private static int _next;

    /// <summary>A callback that is refused at once (TEST-NET-1 is not a public address): notices to it never leave.</summary>
    public const string Unreachable = "https://192.0.2.1/hook";

    public ScorePortalDbContext Db() => portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContext();

    public static int Next() => Interlocked.Increment(ref _next);

    /// <summary>An employee id no other test uses.</summary>
    public static string EmployeeId() => "E" + (2023000 + Next()).ToString(CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    public async Task<Enterprise> EnterpriseAsync(string? url, string? secret = null, bool suspended = false)
    {
        var n = Next();
        await using var db = Db();
        var enterprise = new Enterprise
        {
            Name = "测试企业" + n, CreditCode = "91110000" + (Environment.ProcessId % 1000).ToString("D3", CultureInfo.InvariantCulture) + n.ToString("D7", CultureInfo.InvariantCulture),
            ContactName = "联系人", ContactEmail = $"hr{n}@example.org", Purpose = "核验员工证书",
            WebhookUrl = url, WebhookSecret = url is null ? secret : secret ?? WebhookSignature.NewSecret(),
            SuspendedAt = suspended ? portal.Clock.GetUtcNow() : null, CreatedAt = portal.Clock.GetUtcNow(),
        };
        db.Enterprises.Add(enterprise);
        await db.SaveChangesAsync();
        return enterprise;
    }

    public async Task<Consent> ConsentAsync(Enterprise enterprise, Candidate candidate, IEnumerable<Qualification> qualifications,
        string? employeeId = null, DateTimeOffset? expiresAt = null, bool revoked = false)
    {
        var now = portal.Clock.GetUtcNow();
        await using var db = Db();
        var consent = new Consent
        {
            CandidateId = candidate.Id, EnterpriseId = enterprise.Id, EmployeeId = employeeId ?? EmployeeId(), Fields = ConsentFields.AllText,
            GrantedAt = now.AddDays(-10), ExpiresAt = expiresAt ?? now.AddDays(300),
            RevokedAt = revoked ? now.AddMinutes(-1) : null, ClosedAt = revoked ? now.AddMinutes(-1) : null,
        };
        foreach (var q in qualifications) consent.Qualifications.Add(new ConsentQualification { QualificationId = q.Id });
        db.Consents.Add(consent);
        await db.SaveChangesAsync();
        return consent;
    }

    /// <summary>A signed-up account of the Enterprise role acting for <paramref name="enterprise"/>.</summary>
    public async Task<(string UserId, string Email)> EnterpriseUserAsync(Enterprise enterprise)
    {
        var email = $"hr-{Guid.NewGuid():N}@example.org";
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = portal.Clock.GetUtcNow() };
        Assert.True((await users.CreateAsync(user, portal.DemoPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Enterprise)).Succeeded);
        await using var db = Db();
        db.EnterpriseMembers.Add(new EnterpriseMember { UserId = user.Id, EnterpriseId = enterprise.Id, AddedAt = portal.Clock.GetUtcNow() });
        await db.SaveChangesAsync();
        return (user.Id, email);
    }

    /// <summary>A notice as the subscriber queues it (delivery and outbox message together), or only the row.</summary>
    public async Task<WebhookDelivery> DeliveryAsync(Enterprise enterprise, Consent? consent, string @event = WebhookEvents.Published,
        WebhookDeliveryStatus status = WebhookDeliveryStatus.Pending, bool enqueue = true, int attempts = 0, int? lastStatus = null)
    {
        var now = portal.Clock.GetUtcNow();
        await using var db = Db();
        var delivery = new WebhookDelivery
        {
            EnterpriseId = enterprise.Id, ConsentId = consent?.Id ?? 0, EventId = Guid.NewGuid(), Event = @event, EmployeeId = consent?.EmployeeId ?? "",
            IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(), OccurredAt = now, CreatedAt = now, Status = status,
            Attempts = attempts, LastStatusCode = lastStatus, LastAttemptAt = attempts > 0 ? now : null,
        };
        for (var i = 0; i < attempts; i++)
            delivery.AttemptLog.Add(new WebhookAttempt { At = now, StatusCode = lastStatus, Error = lastStatus is null ? "Connection refused" : $"HTTP {lastStatus}", DurationMs = 12 });
        db.WebhookDeliveries.Add(delivery);
        if (enqueue) db.Enqueue(WebhookDeliveryHandler.Kind, new WebhookNotice(delivery.EventId, delivery.ConsentId));
        await db.SaveChangesAsync();
        return delivery;
    }

    public async Task<WebhookDelivery> DeliveryAsync(long id)
    {
        await using var db = Db();
        return await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).SingleAsync(d => d.Id == id);
    }

    public async Task<List<WebhookDelivery>> DeliveriesOfAsync(Guid eventId)
    {
        await using var db = Db();
        return await db.WebhookDeliveries.AsNoTracking().Include(d => d.AttemptLog).Where(d => d.EventId == eventId).OrderBy(d => d.ConsentId).ToListAsync();
    }

    /// <summary>The outbox messages of notices (payloads decrypted and read back), optionally of one event.</summary>
    public async Task<List<(OutboxMessage Row, WebhookNotice Notice)>> MessagesAsync(Guid? eventId = null)
    {
        await using var db = Db();
        var rows = await db.OutboxMessages.AsNoTracking().Where(m => m.Kind == WebhookDeliveryHandler.Kind).OrderBy(m => m.Id).ToListAsync();
        return rows.Select(r => (r, JsonSerializer.Deserialize<WebhookNotice>(r.Payload, JsonSerializerOptions.Web)!))
            .Where(x => eventId is null || x.Item2.EventId == eventId).ToList();
    }
}
