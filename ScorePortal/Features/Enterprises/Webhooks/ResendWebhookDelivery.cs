using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Platform.Outbox;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <param name="EnterpriseId">
/// The enterprise whose log the person is looking at: the signed-in account's own (resolved on the server), or the one
/// an admin opened. A delivery of another enterprise is "not found".
/// </param>
/// <param name="ActorRole">Who asks: <c>Roles.Enterprise</c> or <c>Roles.Admin</c> (for the audit entry).</param>
public sealed record ResendWebhookDeliveryRequest(long DeliveryId, int EnterpriseId, string? UserId, string ActorRole);

/// <summary>
/// Sends a delivered, stopped or failed notice again: a new outbox message for the same delivery, so the same idempotency
/// key goes out and a receiver that had it can drop the copy. The delivery is pending again (its attempts are checked as
/// usual: a revoked consent stops it). Refused while the notice is still being tried, unless nothing has happened to it
/// for longer than any wait of the retry policy (its worker died during the last attempt). Both outcomes audited.
/// </summary>
public sealed class ResendWebhookDelivery(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditLog audit, TimeProvider time, IOptions<WebhookOptions> options)
{
    public const string NotFound = "Webhooks.Error.DeliveryNotFound";
    public const string StillPending = "Webhooks.Error.StillPending";

    public async Task<string?> HandleAsync(ResendWebhookDeliveryRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var stuckBefore = now - options.Value.MaxBackoff - TimeSpan.FromHours(1);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var error = await db.InTransactionAsync<string?>(async (tx, ct) =>
        {
            // The conditional update is the check: of two people re-sending at once, one wins.
            var resent = await db.WebhookDeliveries
                .Where(d => d.Id == request.DeliveryId && d.EnterpriseId == request.EnterpriseId
                            && (d.Status != WebhookDeliveryStatus.Pending || (d.LastAttemptAt ?? d.CreatedAt) < stuckBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending).SetProperty(d => d.DeliveredAt, (DateTimeOffset?)null), ct);
            if (resent == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return await db.WebhookDeliveries.AnyAsync(d => d.Id == request.DeliveryId && d.EnterpriseId == request.EnterpriseId, ct) ? StillPending : NotFound;
            }
            var pair = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == request.DeliveryId)
                .Select(d => new { d.EventId, d.ConsentId }).SingleAsync(ct);
            db.Enqueue(WebhookDeliveryHandler.Kind, new WebhookNotice(pair.EventId, pair.ConsentId, Manual: true));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return null;
        }, ct);
        await audit.WriteDurableAsync(WebhookAudit.Record(AuditActions.EnterpriseWebhookResend, request.UserId, request.ActorRole, "webhook-delivery",
            WebhookAudit.Id(request.DeliveryId), request.EnterpriseId, error is null ? WebhookAudit.Done : WebhookAudit.Refused,
            error is null ? null : new Dictionary<string, string?> { ["error"] = error }), CancellationToken.None);
        return error;
    }
}
