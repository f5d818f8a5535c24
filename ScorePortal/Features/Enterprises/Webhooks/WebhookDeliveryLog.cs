using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Enterprises.Webhooks;

/// <summary>One row of the delivery log.</summary>
public sealed record WebhookLogRow(long Id, string Event, string EmployeeId, string IdempotencyKey, DateTimeOffset OccurredAt, DateTimeOffset CreatedAt,
    WebhookDeliveryStatus Status, int Attempts, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset? DeliveredAt);

/// <summary>One attempt of a delivery, as the log shows it.</summary>
public sealed record WebhookAttemptRow(DateTimeOffset At, int? StatusCode, string? Error, int DurationMs, bool Manual);

/// <summary>
/// The delivery log of one enterprise, newest first, in pages: the enterprise area and the admin area read it the same
/// way, always scoped to one enterprise id that the page resolved on the server.
/// </summary>
public static class WebhookDeliveryLog
{
    public const int MaxPageSize = 100;

    public static async Task<(IReadOnlyList<WebhookLogRow> Rows, int Total)> PageAsync(ScorePortalDbContext db, int enterpriseId,
        WebhookDeliveryStatus? status, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.EnterpriseId == enterpriseId);
        if (status is { } s) query = query.Where(d => d.Status == s);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(Math.Max(page, 0) * pageSize).Take(pageSize)
            .Select(d => new WebhookLogRow(d.Id, d.Event, d.EmployeeId, d.IdempotencyKey, d.OccurredAt, d.CreatedAt, d.Status, d.Attempts,
                d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>The attempts of one delivery of <paramref name="enterpriseId"/>, newest first; empty for another enterprise's.</summary>
    public static async Task<IReadOnlyList<WebhookAttemptRow>> AttemptsAsync(ScorePortalDbContext db, int enterpriseId, long deliveryId,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.WebhookAttempts.AsNoTracking()
            .Where(a => a.WebhookDeliveryId == deliveryId && db.WebhookDeliveries.Any(d => d.Id == deliveryId && d.EnterpriseId == enterpriseId))
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Take(MaxPageSize)
            .Select(a => new WebhookAttemptRow(a.At, a.StatusCode, a.Error, a.DurationMs, a.Manual))
            .ToListAsync(ct);
    }
}
