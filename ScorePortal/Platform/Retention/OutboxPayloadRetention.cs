using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;

namespace ScorePortal.Platform.Retention;

/// <summary>
/// Blanks the payload (addresses, names, mail bodies, one-time codes) of outbox messages delivered more than
/// Retention:OutboxPayloads ago and stamps <see cref="Outbox.OutboxMessage.PayloadErasedAt"/>; kind, times and attempt
/// count stay for the dashboard. Messages that failed for good are left for an admin to look at.
/// </summary>
internal sealed class OutboxPayloadRetention(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<RetentionOptions> options) : IRetentionRule
{
    public string Name => "outbox-payloads";

    public TimeSpan Period => options.Value.OutboxPayloads;

    public async Task<int> RunAsync(RetentionPass pass, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            // Loaded, not updated in bulk: the payload is sealed to its row, so the blank is sealed by the interceptor too.
            var batch = await db.OutboxMessages
                .Where(m => m.DeliveredAt != null && m.DeliveredAt < pass.Cutoff && m.PayloadErasedAt == null)
                .OrderBy(m => m.Id).Take(pass.BatchSize).ToListAsync(ct);
            if (batch.Count == 0) return total;
            foreach (var message in batch)
            {
                message.Payload = "";
                message.PayloadErasedAt = pass.Now;
            }
            await db.SaveChangesAsync(ct);
            total += batch.Count;
        }
    }
}
