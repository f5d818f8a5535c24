using System.IO.Compression;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Leases;

namespace ScorePortal.Platform.Audit;

/// <summary>Audit:Archive — moving old entries out of the live table into signed, compressed files.</summary>
public sealed class AuditArchiveOptions
{
    /// <summary>Entries older than this are archived (only up to a signed checkpoint, never the newest entry).</summary>
    public TimeSpan After { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the background job archives; zero switches the job off (the command still works).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Where archives and their manifests go (relative to the content root). Every instance must see the same
    /// directory: it is also the lease (an exclusive lock on <c>archive.lock</c> in it).
    /// </summary>
    public string Directory { get; set; } = "App_Data/audit-archive";

    /// <summary>An archive ends at the newest checkpoint that keeps it at most this long (or at the first one when none does).</summary>
    public int MaxEntriesPerFile { get; set; } = 1_000_000;
}

/// <summary>What one archiving run did.</summary>
/// <param name="Busy">Another archiver held the lease; this one did nothing.</param>
/// <param name="LeaseUnavailable">The archive lease could not be asked for (Redis down); this one did nothing.</param>
public sealed record AuditArchiveRun(IReadOnlyList<AuditArchiveManifest> Archived, long Deleted, bool Busy, string? Refused = null,
    bool LeaseUnavailable = false);

/// <summary>
/// Archives contiguous ranges of entries older than <see cref="AuditArchiveOptions.After"/> that end at a signed
/// checkpoint: writes the entries (gzip JSON lines) and a signed manifest, reads both back and checks them against the
/// rows, records the archive in the checkpoint file, and only then deletes the rows in one transaction. A crash at any
/// point leaves either partial files (removed by the next run) or a complete archive whose rows are still live (the
/// next run checks it again and finishes the deletion). Only one archiver runs at a time: the archive lease
/// (<see cref="Lease"/>, in Redis when several instances run), then an exclusive OS lock on <c>archive.lock</c> in the
/// shared archive directory (released by the OS when a process dies; it also keeps out a command started without the
/// Redis settings), and the deletion is conditional on the range still being the live table's head. Archive records go
/// into the checkpoint file under the checkpoint lease, like checkpoints.
/// </summary>
public sealed class AuditArchiver(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditSigner signer, TimeProvider time,
    AuditCheckpointFile checkpointFile, AuditArchiveStore store, IOptions<AuditOptions> options, ILogger<AuditArchiver> logger,
    ILeases? leases = null, AuditCheckpoints? checkpoints = null)
{
    public const string LockFile = "archive.lock";

    /// <summary>The lease an archiving run holds from start to end.</summary>
    public const string Lease = "audit:archive";

    private AuditArchiveOptions Settings => options.Value.Archive;

    /// <summary>Archives every range that qualifies, or nothing when another archiver holds the lease.</summary>
    public async Task<AuditArchiveRun> ArchiveAsync(CancellationToken ct = default)
    {
        ILease? shared = null;
        if (leases is not null)
        {
            try
            {
                shared = await leases.TryAcquireAsync(Lease, TimeSpan.Zero, ct);
            }
            catch (LeaseUnavailableException)
            {
                return new AuditArchiveRun([], 0, Busy: false, LeaseUnavailable: true);
            }
            if (shared is null) return new AuditArchiveRun([], 0, Busy: true);
        }
        await using (shared)
        {
            // Lost (Redis gone past the lease's expiry): another instance may start; stop before the next range.
            return await ArchiveLeasedAsync(shared?.Lost ?? CancellationToken.None, ct);
        }
    }

    private async Task<AuditArchiveRun> ArchiveLeasedAsync(CancellationToken lost, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(store.Directory);
        FileStream lease;
        try
        {
            lease = new FileStream(Path.Combine(store.Directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return new AuditArchiveRun([], 0, Busy: true);
        }
        await using (lease)
        {
            foreach (var partial in System.IO.Directory.EnumerateFiles(store.Directory, "audit-*" + AuditArchiveStore.PartialSuffix))
                File.Delete(partial);
            var archived = new List<AuditArchiveManifest>();
            var deleted = 0L;
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                if (lost.IsCancellationRequested) return new AuditArchiveRun(archived, deleted, false, LeaseUnavailable: true);
                var step = await NextAsync(ct);
                if (step.Refused is not null) return new AuditArchiveRun(archived, deleted, false, step.Refused);
                if (step.Manifest is null) return new AuditArchiveRun(archived, deleted, false);
                archived.Add(step.Manifest);
                deleted += step.Deleted;
            }
        }
    }

    private sealed record Step(AuditArchiveManifest? Manifest, long Deleted, string? Refused = null);

    private async Task<Step> NextAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (manifests, unreadable) = await store.ListAsync(ct);
        if (unreadable.Count > 0) return new Step(null, 0, $"unreadable manifest {unreadable[0]}: run verify-audit");
        var head = await db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash, e.PreviousHash }).FirstOrDefaultAsync(ct);
        var newest = await db.AuditEntries.MaxAsync(e => (long?)e.Sequence, ct);
        if (head is null || newest is null) return new Step(null, 0);

        // A complete archive whose rows are still live: a run stopped between writing it and deleting them.
        if (manifests.FirstOrDefault(m => m.FirstSequence <= head.Sequence && m.LastSequence >= head.Sequence) is { } pending)
        {
            var problem = await CheckAsync(db, pending, ct);
            if (problem is null) return new Step(pending, await CompleteAsync(db, pending, head.Sequence, ct));
            var recorded = (await AuditCheckpointFile.ReadArchivesAsync(checkpointFile.Path, ct)).Any(a => a.File == pending.File);
            if (recorded) return new Step(null, 0, $"archive {pending.File} does not match the live entries ({problem}): run verify-audit");
            // Never recorded, so never relied on: a run stopped while writing it. Write it again.
            File.Delete(store.DataPath(pending.File));
            File.Delete(store.ManifestPath(pending.FirstSequence, pending.LastSequence));
            logger.LogWarning("Removed the unfinished audit archive {File} ({Problem})", pending.File, problem);
        }
        // Entries missing between the archives and the table (deleted, or an archive removed): archiving would bury it.
        var archivedEnd = 0L;
        foreach (var m in manifests.Append(null))
        {
            var next = m?.FirstSequence ?? head.Sequence;
            if (next > archivedEnd + 1)
                return new Step(null, 0, $"entries #{archivedEnd + 1} to #{next - 1} are neither archived nor live: run verify-audit");
            if (m is not null) archivedEnd = Math.Max(archivedEnd, m.LastSequence);
        }

        var cutoff = time.GetUtcNow() - Settings.After;
        var candidates = await db.AuditCheckpoints.AsNoTracking()
            .Where(c => c.UpToSequence >= head.Sequence && c.UpToSequence < newest)
            .OrderBy(c => c.UpToSequence).ToListAsync(ct);
        AuditCheckpoint? end = null;
        foreach (var c in candidates)
        {
            if (c.KeyId != signer.KeyId || !AuditSigner.Verify(signer.PublicKeyPem, c)) continue;
            var entry = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == c.UpToSequence)
                .Select(e => new { e.At, e.Hash }).FirstOrDefaultAsync(ct);
            if (entry is null || entry.Hash != c.Hash || entry.At > cutoff) break;
            if (end is not null && c.UpToSequence - head.Sequence + 1 > Settings.MaxEntriesPerFile) break;
            end = c;
        }
        if (end is null) return new Step(null, 0);

        var manifest = await WriteAsync(db, head.Sequence, end.UpToSequence, head.PreviousHash, ct);
        if (manifest is null) return new Step(null, 0, $"the chain is broken between entries #{head.Sequence} and #{end.UpToSequence}: run verify-audit");
        var problemAfterWrite = await CheckAsync(db, manifest, ct);
        if (problemAfterWrite is not null) return new Step(null, 0, $"archive {manifest.File} did not read back ({problemAfterWrite})");
        return new Step(manifest, await CompleteAsync(db, manifest, head.Sequence, ct));
    }

    /// <summary>Writes the range and its manifest; null when the rows do not form an intact chain (nothing is archived then).</summary>
    private async Task<AuditArchiveManifest?> WriteAsync(ScorePortalDbContext db, long first, long last, string previousHash, CancellationToken ct)
    {
        var name = AuditArchiveStore.BaseName(first, last) + AuditArchiveStore.DataSuffix;
        var path = store.DataPath(name);
        string? firstHash = null;
        var lastHash = previousHash;
        var count = 0L;
        var intact = true;
        await AuditArchiveStore.WriteDurablyAsync(path, async stream =>
        {
            await using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
            await using var json = new Utf8JsonWriter(buffer);
            var expected = first;
            await foreach (var e in db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= first && e.Sequence <= last)
                               .OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (e.Sequence != expected++ || e.PreviousHash != lastHash || e.Hash != AuditChain.ComputeHash(e)) intact = false;
                firstHash ??= e.Hash;
                lastHash = e.Hash;
                count++;
                buffer.ResetWrittenCount();
                AuditArchiveStore.WriteLine(json, e);
                System.Buffers.BuffersExtensions.Write(buffer, "\n"u8);
                await gzip.WriteAsync(buffer.WrittenMemory, ct);
            }
        }, ct);
        if (!intact || count != last - first + 1 || firstHash is null)
        {
            File.Delete(path);
            return null;
        }
        var now = time.GetUtcNow();
        var manifest = new AuditArchiveManifest(name, first, last, count, previousHash, firstHash, lastHash,
            await AuditArchiveStore.Sha256Async(path, ct), new FileInfo(path).Length,
            new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero), signer.KeyId);
        manifest = manifest with { Signature = signer.SignArchive(manifest) };
        await AuditArchiveStore.WriteManifestAsync(store.ManifestPath(first, last), manifest, ct);
        return manifest;
    }

    /// <summary>
    /// Reads an archive back from disk — manifest signature, file hash, every entry's hash and link — and compares it
    /// with the rows still in the table. Null when it is sound, else what is wrong.
    /// </summary>
    private async Task<string?> CheckAsync(ScorePortalDbContext db, AuditArchiveManifest written, CancellationToken ct)
    {
        var manifest = await AuditArchiveStore.ReadManifestAsync(store.ManifestPath(written.FirstSequence, written.LastSequence), ct);
        if (manifest is null || manifest != written) return "manifest";
        if (manifest.KeyId != signer.KeyId || !AuditSigner.VerifyArchive(signer.PublicKeyPem, manifest)) return "signature";
        var path = store.DataPath(manifest.File);
        if (!File.Exists(path) || await AuditArchiveStore.Sha256Async(path, ct) != manifest.Sha256) return "file hash";
        // The rows still in the table are compared as they stream by, in step with the file (a range can be a million rows).
        await using var live = db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= manifest.FirstSequence && e.Sequence <= manifest.LastSequence)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).AsAsyncEnumerable().GetAsyncEnumerator(ct);
        var hasLive = await live.MoveNextAsync();
        var expected = manifest.FirstSequence;
        var previous = manifest.PreviousHash;
        try
        {
            await foreach (var e in AuditArchiveStore.ReadEntriesAsync(path, ct))
            {
                if (e.Sequence != expected++ || e.PreviousHash != previous || e.Hash != AuditChain.ComputeHash(e)) return $"entry #{e.Sequence}";
                while (hasLive && live.Current.Sequence < e.Sequence) hasLive = await live.MoveNextAsync();
                if (hasLive && live.Current.Sequence == e.Sequence && live.Current.Hash != e.Hash) return $"entry #{e.Sequence} differs from the table";
                previous = e.Hash;
            }
        }
        catch (InvalidDataException)
        {
            return "unreadable";
        }
        return expected == manifest.LastSequence + 1 && previous == manifest.LastHash ? null : "count";
    }

    /// <summary>Records the archive in the checkpoint file (once) and deletes its rows in one conditional transaction.</summary>
    private async Task<long> CompleteAsync(ScorePortalDbContext db, AuditArchiveManifest manifest, long head, CancellationToken ct)
    {
        await using (checkpoints is null ? null : await checkpoints.TakeLeaseAsync(ct))
        {
            if (!(await AuditCheckpointFile.ReadArchivesAsync(checkpointFile.Path, ct)).Any(a => a.File == manifest.File))
                await checkpointFile.AppendArchiveAsync(manifest, ct);
        }
        var deleted = await db.InTransactionAsync(async (transaction, ct) =>
        {
            var deleted = await db.AuditEntries.Where(e => e.Sequence >= head && e.Sequence <= manifest.LastSequence).ExecuteDeleteAsync(ct);
            // Conditional: the range must still be the whole live head; otherwise someone else changed it meanwhile.
            if (deleted != manifest.LastSequence - head + 1)
            {
                await transaction.RollbackAsync(ct);
                throw new InvalidOperationException($"Archiving {manifest.File}: the live table changed under the archiver; nothing was deleted.");
            }
            await transaction.CommitAsync(ct);
            return deleted;
        }, ct);
        logger.LogInformation("Archived audit entries {First} to {Last} to {File}", manifest.FirstSequence, manifest.LastSequence, manifest.File);
        return deleted;
    }
}

/// <summary>
/// Runs the archiver a few minutes after start (an instance restarted more often than the interval still archives) and
/// then every Audit:Archive:Interval; off when the interval is zero.
/// </summary>
internal sealed class AuditArchiveService(AuditArchiver archiver, TimeProvider time, IOptions<AuditOptions> options,
    ILogger<AuditArchiveService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Archive.Interval <= TimeSpan.Zero) return;
        var interval = options.Value.Archive.Interval;
        var first = TimeSpan.FromMinutes(5) < interval ? TimeSpan.FromMinutes(5) : interval;
        await Task.Delay(first, time, stoppingToken);
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var run = await archiver.ArchiveAsync(stoppingToken);
                if (run.Refused is { } reason) logger.LogError("Audit archiving refused: {Reason}", reason);
                else if (run.LeaseUnavailable)
                    logger.LogWarning("Audit archiving skipped this turn: the archive lease cannot be taken or kept (Redis down)");
                else if (run.Busy) logger.LogInformation("Audit archiving skipped this turn: another instance archives");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not archive audit entries");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
