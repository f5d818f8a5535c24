using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Platform.Audit;

namespace ScorePortal.Tests.Platform.Leases;

/// <summary>
/// Without the chain lease (Redis down) two writers may append from the same end: the one that loses meets the unique
/// sequence number, and that collision — not any failure — is retried at once from the real end.
/// </summary>
public sealed class ChainCollisionTests
{
    [Fact]
    public void A_unique_constraint_failure_is_a_collision_and_other_failures_are_not()
    {
        var constraint = new SqliteException("UNIQUE constraint failed: AuditEntries.Sequence", 19);
        Assert.True(AuditWriter.IsSequenceCollision(constraint));
        Assert.True(AuditWriter.IsSequenceCollision(new DbUpdateException("save failed", constraint)));

        Assert.False(AuditWriter.IsSequenceCollision(new SqliteException("database is locked", 5)));
        Assert.False(AuditWriter.IsSequenceCollision(new DbUpdateException("save failed", new SqliteException("disk I/O error", 10))));
        Assert.False(AuditWriter.IsSequenceCollision(new TimeoutException()));
    }
}
