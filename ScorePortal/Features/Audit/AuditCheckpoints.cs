using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Audit;

public sealed record AuditVerification(long Entries, long? FirstBrokenSequence, int Checkpoints, int? FirstBadCheckpointId)
{
    public bool Intact => FirstBrokenSequence is null && FirstBadCheckpointId is null;
}

/// <summary>Makes signed checkpoints and verifies the whole log against its chain and its checkpoints.</summary>
public sealed class AuditCheckpoints(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditSigner signer, TimeProvider time)
{
    /// <summary>Signs the chain's current end; null when nothing was appended since the last checkpoint.</summary>
    public async Task<AuditCheckpoint?> CreateAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var end = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        if (end is null) return null;
        var last = await db.AuditCheckpoints.MaxAsync(c => (long?)c.UpToSequence, ct);
        if (last >= end.Sequence) return null;

        var now = time.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var checkpoint = new AuditCheckpoint
        {
            UpToSequence = end.Sequence,
            Hash = end.Hash,
            CreatedAt = now,
            KeyId = signer.KeyId,
            Signature = signer.Sign(end.Sequence, end.Hash, now),
        };
        db.AuditCheckpoints.Add(checkpoint);
        await db.SaveChangesAsync(ct);
        return checkpoint;
    }

    /// <summary>
    /// Verifies every link, then every checkpoint: its signature, and that the entry it names still ends in the signed
    /// hash — which catches a chain rewritten from some entry on with every hash recomputed.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.UpToSequence).ToListAsync(ct);
        var signedAt = checkpoints.Select(c => c.UpToSequence).ToHashSet();
        var hashes = new Dictionary<long, string>();
        var count = 0L;
        // The log is streamed, not loaded: only the hashes the checkpoints name are kept.
        IEnumerable<AuditEntry> Stream()
        {
            foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsEnumerable())
            {
                count++;
                if (signedAt.Contains(e.Sequence)) hashes[e.Sequence] = e.Hash;
                yield return e;
            }
        }
        var broken = AuditChain.FirstBroken(Stream());
        int? badCheckpoint = null;
        foreach (var c in checkpoints)
        {
            var signed = c.KeyId == signer.KeyId && AuditSigner.Verify(signer.PublicKeyPem, c);
            if (!signed || !hashes.TryGetValue(c.UpToSequence, out var hash) || hash != c.Hash)
            {
                badCheckpoint = c.Id;
                break;
            }
        }
        return new AuditVerification(count, broken, checkpoints.Count, badCheckpoint);
    }
}

/// <summary>Signs a checkpoint every Audit:CheckpointInterval (an hour by default) when the log has grown.</summary>
internal sealed class AuditCheckpointService(AuditCheckpoints checkpoints, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<AuditOptions> options, ILogger<AuditCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await checkpoints.CreateAsync(stoppingToken) is { } c)
                    logger.LogInformation("Audit checkpoint signed up to entry {Sequence}", c.UpToSequence);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not sign an audit checkpoint");
            }
        }
    }
}
