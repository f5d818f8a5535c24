using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Webhooks;

public sealed record SendTestNoticeRequest(int EnterpriseId, string? UserId);

/// <summary>
/// Queues a <c>webhook.test</c> notice to the enterprise's callback, signed like every other and naming nobody, so the
/// enterprise can check its receiver; it is tried once and shows in the delivery log. One per
/// <see cref="WebhookOptions.TestNoticeInterval"/>, audited.
/// </summary>
public sealed class SendTestNotice(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time, IOptions<WebhookOptions> options)
{
    public const string NoCallback = "Webhooks.Error.NoCallback";
    public const string Suspended = "Webhooks.Error.Suspended";
    public const string TooSoon = "Webhooks.Error.TestTooSoon";

    public async Task<string?> HandleAsync(SendTestNoticeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enterprise = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(e => e.Id == request.EnterpriseId, ct);
        var now = time.GetUtcNow();
        var since = now - options.Value.TestNoticeInterval;
        var error = enterprise switch
        {
            null => SaveWebhookUrl.NotFound,
            { IsSuspended: true } => Suspended,
            { WebhookUrl: null } or { WebhookSecret: null or "" } => NoCallback,
            _ when await db.WebhookDeliveries.AnyAsync(d => d.EnterpriseId == request.EnterpriseId && d.Event == WebhookEvents.Test && d.CreatedAt > since, ct) => TooSoon,
            _ => null,
        };
        if (error is not null)
        {
            if (enterprise is not null) await audit.WriteDurableAsync(Record(request, WebhookAudit.Refused, error), CancellationToken.None);
            return error;
        }

        var eventId = Guid.NewGuid();
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            EnterpriseId = request.EnterpriseId, ConsentId = 0, EventId = eventId, Event = WebhookEvents.Test, EmployeeId = "",
            IdempotencyKey = WebhookDeliveryHandler.NewIdempotencyKey(), OccurredAt = now, CreatedAt = now, Status = WebhookDeliveryStatus.Pending,
        });
        db.Enqueue(WebhookDeliveryHandler.Kind, new WebhookNotice(eventId, 0, Manual: true));
        await db.SaveChangesAsync(ct);
        await audit.WriteDurableAsync(Record(request, WebhookAudit.Done, null), CancellationToken.None);
        return null;
    }

    private static AuditRecord Record(SendTestNoticeRequest request, string outcome, string? error) =>
        WebhookAudit.Record(AuditActions.EnterpriseWebhookTest, request.UserId, Roles.Enterprise, "enterprise", WebhookAudit.Id(request.EnterpriseId),
            request.EnterpriseId, outcome, error is null ? null : new Dictionary<string, string?> { ["error"] = error });
}
