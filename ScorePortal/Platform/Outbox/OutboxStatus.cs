using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Platform.Outbox;

/// <summary>What admins see of the outbox: dead messages need a person (a wrong address, a server refusing mail).</summary>
public static class OutboxStatus
{
    public static Task<int> CountDeadAsync(ScorePortalDbContext db, CancellationToken cancellationToken = default) =>
        db.OutboxMessages.CountAsync(m => m.FailedAt != null, cancellationToken);

    /// <summary>
    /// The backlog of every kind (email, webhook, SMS…): messages never tried yet (<see cref="KindBacklog.Pending"/>),
    /// tried and waiting for a retry or in delivery (<see cref="KindBacklog.Retrying"/>), dead, and the age of the oldest
    /// message not delivered and not dead. A dependency that is down (a mail server, a webhook receiver) shows here as a
    /// growing backlog and age long before messages die. Reads undelivered rows only (delivered ones are most).
    /// </summary>
    public static async Task<List<KindBacklog>> BacklogAsync(ScorePortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.DeliveredAt == null)
            .Select(m => new { m.Kind, m.AttemptCount, Dead = m.FailedAt != null, m.CreatedAt })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Kind, StringComparer.Ordinal)
            .Select(g => new KindBacklog(g.Key,
                g.Count(r => !r.Dead && r.AttemptCount == 0),
                g.Count(r => !r.Dead && r.AttemptCount > 0),
                g.Count(r => r.Dead),
                g.Where(r => !r.Dead).Select(r => (DateTimeOffset?)r.CreatedAt).Min() is { } oldest ? now - oldest : null))
            .OrderBy(k => k.Kind, StringComparer.Ordinal)
            .ToList();
    }
}

/// <summary>One kind's row of the outbox backlog (<see cref="OutboxStatus.BacklogAsync"/>).</summary>
public sealed record KindBacklog(string Kind, int Pending, int Retrying, int Dead, TimeSpan? OldestAge);
