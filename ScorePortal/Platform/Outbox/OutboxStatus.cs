using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Platform.Outbox;

/// <summary>What admins see of the outbox: dead messages need a person (a wrong address, a server refusing mail).</summary>
public static class OutboxStatus
{
    public static Task<int> CountDeadAsync(ScorePortalDbContext db, CancellationToken cancellationToken = default) =>
        db.OutboxMessages.CountAsync(m => m.FailedAt != null, cancellationToken);
}
