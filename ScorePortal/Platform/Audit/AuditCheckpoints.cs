using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Leases;

namespace ScorePortal.Platform.Audit;

/// <summary>What is wrong with the log; <see cref="AuditProblem.Sequence"/> names the entry (or checkpoint position) concerned.</summary>
public enum AuditProblemKind
{
    /// <summary>An entry whose fields cannot be read (e.g. a timestamp that is no time): it cannot be hashed.</summary>
    MalformedEntry,

    /// <summary>A checkpoint in the file outside the database is gone from the database.</summary>
    CheckpointDeleted,

    /// <summary>The log has fewer entries than a checkpoint covered: its tail was truncated (the count went down).</summary>
    EntriesMissing,

    /// <summary>The entry a checkpoint names no longer ends in the signed hash: the chain was rewritten.</summary>
    CheckpointMismatch,

    /// <summary>A checkpoint whose signature does not verify with the portal's key.</summary>
    CheckpointForged,

    /// <summary>The newest checkpoint is older than twice the checkpoint interval (or there is none while the log is that old).</summary>
    CheckpointStale,

    /// <summary>The file outside the database is missing, or holds a line that is not a checkpoint.</summary>
    CheckpointFileDamaged,

    /// <summary>
    /// Entries after the newest valid checkpoint, the oldest of them older than twice the checkpoint interval: nothing
    /// signed covers them, so they could be deleted unseen (checkpoints stopped, or were never made).
    /// </summary>
    EntriesUncovered,

    /// <summary>
    /// Archived entries are gone: an archive between two others (or between the archives and the table) was deleted, or
    /// an archive the checkpoint file recorded is missing. <see cref="AuditProblem.Detail"/> is the last missing entry.
    /// </summary>
    ArchiveMissing,

    /// <summary>An archive's manifest does not carry a valid signature. <see cref="AuditProblem.Detail"/> is the archive file.</summary>
    ArchiveForged,

    /// <summary>
    /// An archive file no longer matches its manifest (SHA-256, entries, count) or the checkpoint file's record of it,
    /// or cannot be read. <see cref="AuditProblem.Detail"/> is the archive file.
    /// </summary>
    ArchiveDamaged,
}

/// <param name="Kind">What is wrong.</param>
/// <param name="Sequence">The entry's sequence number (for a file line: the line number).</param>
/// <param name="Detail">The field or time concerned; never a value of an entry.</param>
public sealed record AuditProblem(AuditProblemKind Kind, long Sequence, string Detail = "");

public sealed record AuditVerification(long Entries, long? FirstBrokenSequence, int Checkpoints, int? FirstBadCheckpointId,
    IReadOnlyList<AuditProblem> Problems)
{
    public bool Intact => FirstBrokenSequence is null && FirstBadCheckpointId is null && Problems.Count == 0;
}

/// <summary>
/// Makes signed checkpoints — in the database and, appended, in a file outside it (<see cref="AuditCheckpointFile"/>)
/// — and verifies the whole log against its chain, its checkpoints and that file. Checkpoints are made under the
/// checkpoint lease (<see cref="Lease"/>), so instances sharing the database and the checkpoint file never sign the same
/// end twice nor write the file at the same time.
/// </summary>
public sealed class AuditCheckpoints(IDbContextFactory<ScorePortalDbContext> dbFactory, AuditSigner signer, TimeProvider time,
    AuditCheckpointFile file, IOptions<AuditOptions> options, AuditArchiveStore? archives = null, ILeases? leases = null)
{
    /// <summary>The lease under which checkpoints are signed and the checkpoint file is written (archive records too).</summary>
    public const string Lease = "audit:checkpoints";

    // Signing takes milliseconds; a holder that keeps the lease longer is stuck, and the caller reports the failure.
    private static readonly TimeSpan LeaseWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Takes the checkpoint lease (nothing to take without leases). Throws <see cref="LeaseUnavailableException"/> when
    /// Redis is down, and <see cref="TimeoutException"/> when another instance holds it past the wait.
    /// </summary>
    internal async Task<IAsyncDisposable?> TakeLeaseAsync(CancellationToken ct)
    {
        if (leases is null) return null;
        return await leases.TryAcquireAsync(Lease, LeaseWait, ct)
            ?? throw new TimeoutException($"Another instance held the audit checkpoint lease for {LeaseWait.TotalSeconds:0} s.");
    }

    /// <summary>
    /// The periodic checkpoint (the signing service, every <see cref="AuditOptions.CheckpointInterval"/>): signs the
    /// chain's end, or renews the newest signature into the file when nothing was appended. With several instances each
    /// runs the service; the first of a period signs and the others find a checkpoint in the file younger than half the
    /// interval and leave it at that (null, Skipped), so the file gets one line per period, not one per instance.
    /// </summary>
    public async Task<(AuditCheckpoint? Checkpoint, bool Skipped)> CreatePeriodicAsync(CancellationToken ct = default)
    {
        await using var lease = await TakeLeaseAsync(ct);
        if (leases is { Shared: true } && await AuditCheckpointFile.ReadAsync(file.Path, ct) is { } read
            && read.Lines.Count > 0 && time.GetUtcNow() - read.Lines.Max(l => l.CreatedAt) < options.Value.CheckpointInterval / 2)
            return (null, true);
        return (await CreateUnderLeaseAsync(renew: true, ct), false);
    }
    private const string EntryColumns =
        "\"Sequence\", \"At\", \"ActorUserId\", \"ActorRole\", \"Action\", \"TargetType\", \"TargetId\", \"SourceIpHash\", \"DataJson\", \"PreviousHash\", \"Hash\"";

    /// <summary>
    /// Signs the chain's current end; null when nothing was appended since the last checkpoint. With
    /// <paramref name="renew"/> an unchanged end is signed again with the current time into the file only (the database
    /// keeps one checkpoint per entry), so a quiet log still shows that checkpoints keep being made.
    /// </summary>
    public async Task<AuditCheckpoint?> CreateAsync(bool renew = false, CancellationToken ct = default)
    {
        await using var lease = await TakeLeaseAsync(ct);
        return await CreateUnderLeaseAsync(renew, ct);
    }

    private async Task<AuditCheckpoint?> CreateUnderLeaseAsync(bool renew, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var end = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        if (end is null) return null;
        var last = await db.AuditCheckpoints.MaxAsync(c => (long?)c.UpToSequence, ct);
        var grown = last is null || last < end.Sequence;
        if (!grown && !renew) return null;

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
        if (grown)
        {
            db.AuditCheckpoints.Add(checkpoint);
            await db.SaveChangesAsync(ct);
        }
        await file.AppendAsync(checkpoint, ct);
        return grown ? checkpoint : null;
    }

    /// <summary>Verifies the log against the configured checkpoint file.</summary>
    public Task<AuditVerification> VerifyAsync(CancellationToken ct = default) => VerifyAgainstAsync(file.Path, ct);

    /// <summary>
    /// Verifies every link; every checkpoint in the database (its signature, and that the entry it names still ends in
    /// the signed hash — which catches a chain rewritten with every hash recomputed); and every checkpoint in the file
    /// at <paramref name="checkpointFile"/> (the configured one or an exported copy): still in the database, its entry
    /// still there (the count never goes down) and still ending in its hash, and the newest one no older than twice the
    /// checkpoint interval. An entry that cannot be read is reported by its sequence number and the walk goes on.
    /// </summary>
    public async Task<AuditVerification> VerifyAgainstAsync(string checkpointFile, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.UpToSequence).ToListAsync(ct);
        var external = await AuditCheckpointFile.ReadAsync(checkpointFile, ct);
        var problems = new List<AuditProblem>();
        var signedAt = checkpoints.Select(c => c.UpToSequence)
            .Concat(external?.Lines.Select(l => l.UpToSequence) ?? []).ToHashSet();
        // The end of what a valid signature covers; entries after it are protected by nothing yet.
        var covered = checkpoints.Where(IsSigned).Select(c => c.UpToSequence)
            .Concat(external?.Lines.Where(l => IsSigned(l.AsCheckpoint())).Select(l => l.UpToSequence) ?? [])
            .DefaultIfEmpty(0L).Max();
        DateTimeOffset? firstUncoveredAt = null;
        var lastSequence = 0L;

        // The log is read as raw columns, not as entities, so a malformed value is a finding rather than an exception;
        // only the hashes the checkpoints name are kept.
        var hashes = new Dictionary<long, string>();
        var count = 0L;
        long? broken = null;
        DateTimeOffset? firstAt = null;
        var previousHash = AuditChain.Genesis;
        var expected = 1L;
        void Walk(AuditEntry entry)
        {
            count++;
            firstAt ??= entry.At;
            if (entry.Sequence > covered) firstUncoveredAt ??= entry.At;
            lastSequence = entry.Sequence;
            if (signedAt.Contains(entry.Sequence)) hashes[entry.Sequence] = entry.Hash;
            if (broken is null && (entry.Sequence != expected || entry.PreviousHash != previousHash || entry.Hash != AuditChain.ComputeHash(entry)))
                broken = expected;
            previousHash = entry.Hash;
            expected = entry.Sequence + 1;
        }

        // The archives first, in order: each manifest's signature, its file's hash, the chain inside it and its links.
        var archivedEnd = 0L;
        if (archives is not null)
        {
            var (manifests, unreadableManifests) = await archives.ListAsync(ct);
            problems.AddRange(unreadableManifests.Select(name => new AuditProblem(AuditProblemKind.ArchiveDamaged, 0, name)));
            foreach (var m in manifests)
            {
                if (m.FirstSequence > expected)
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveMissing, expected, (m.FirstSequence - 1).ToString(CultureInfo.InvariantCulture)));
                if (m.KeyId != signer.KeyId || !AuditSigner.VerifyArchive(signer.PublicKeyPem, m))
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveForged, m.FirstSequence, m.File));
                var path = archives.DataPath(m.File);
                var readable = File.Exists(path);
                if (!readable)
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveMissing, m.FirstSequence, m.LastSequence.ToString(CultureInfo.InvariantCulture)));
                else if (await AuditArchiveStore.Sha256Async(path, ct) != m.Sha256)
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveDamaged, m.FirstSequence, m.File));
                if (readable)
                {
                    try
                    {
                        await foreach (var entry in AuditArchiveStore.ReadEntriesAsync(path, ct)) Walk(entry);
                    }
                    catch (InvalidDataException)
                    {
                        problems.Add(new AuditProblem(AuditProblemKind.ArchiveDamaged, m.FirstSequence, m.File));
                        broken ??= expected;
                    }
                }
                if (expected != m.LastSequence + 1 || previousHash != m.LastHash)
                {
                    if (readable) problems.Add(new AuditProblem(AuditProblemKind.ArchiveDamaged, m.FirstSequence, m.File));
                    count += Math.Max(0, m.LastSequence + 1 - expected);
                    expected = m.LastSequence + 1;
                    previousHash = m.LastHash;
                }
                archivedEnd = Math.Max(archivedEnd, m.LastSequence);
            }
            // Every archive the checkpoint file recorded must still be there, as it was recorded.
            foreach (var recorded in await AuditCheckpointFile.ReadArchivesAsync(checkpointFile, ct))
            {
                if (manifests.FirstOrDefault(m => m.File == recorded.File) is not { } m)
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveMissing, recorded.FirstSequence,
                        recorded.LastSequence.ToString(CultureInfo.InvariantCulture)));
                else if (m.Sha256 != recorded.Sha256 || m.LastHash != recorded.LastHash)
                    problems.Add(new AuditProblem(AuditProblemKind.ArchiveDamaged, m.FirstSequence, m.File));
            }
        }

        // Then the live table, from where the archives end (rows an interrupted archiving run left behind are in both).
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {EntryColumns} FROM \"AuditEntries\" WHERE \"Sequence\" > {archivedEnd.ToString(CultureInfo.InvariantCulture)} ORDER BY \"Sequence\"";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var entry = Read(reader, out var readSequence, out var malformed);
                var sequence = readSequence ?? expected;
                if (entry is null)
                {
                    count++;
                    problems.Add(new AuditProblem(AuditProblemKind.MalformedEntry, sequence, malformed!));
                    broken ??= sequence;
                    previousHash = reader.IsDBNull(10) ? "" : Convert.ToString(reader.GetValue(10), CultureInfo.InvariantCulture) ?? "";
                    expected = sequence + 1;
                    continue;
                }
                Walk(entry);
            }
        }

        int? badCheckpoint = null;
        foreach (var c in checkpoints)
        {
            if (!IsSigned(c) || !hashes.TryGetValue(c.UpToSequence, out var hash) || hash != c.Hash)
            {
                badCheckpoint = c.Id;
                break;
            }
        }

        var inDatabase = checkpoints.Select(c => c.UpToSequence).ToHashSet();
        if (external is not { } outside)
        {
            if (checkpoints.Count > 0) problems.Add(new AuditProblem(AuditProblemKind.CheckpointFileDamaged, 0, checkpointFile));
        }
        else
        {
            problems.AddRange(outside.Unreadable.Select(line => new AuditProblem(AuditProblemKind.CheckpointFileDamaged, line)));
            foreach (var line in outside.Lines)
            {
                var c = line.AsCheckpoint();
                if (!IsSigned(c)) problems.Add(new AuditProblem(AuditProblemKind.CheckpointForged, line.Number));
                else if (count < line.UpToSequence)
                    problems.Add(new AuditProblem(AuditProblemKind.EntriesMissing, line.UpToSequence, count.ToString(CultureInfo.InvariantCulture)));
                else if (!hashes.TryGetValue(line.UpToSequence, out var hash) || hash != line.Hash)
                    problems.Add(new AuditProblem(AuditProblemKind.CheckpointMismatch, line.UpToSequence));
                if (!inDatabase.Contains(line.UpToSequence))
                    problems.Add(new AuditProblem(AuditProblemKind.CheckpointDeleted, line.UpToSequence));
            }
        }

        // Checkpoints stop when the signing service is stopped; a tail truncated since the last one would go unseen.
        var newest = external?.Lines.Where(l => IsSigned(l.AsCheckpoint())).Select(l => (DateTimeOffset?)l.CreatedAt).Max();
        var since = newest ?? firstAt;
        if (since is { } reference && time.GetUtcNow() - reference > 2 * options.Value.CheckpointInterval)
            problems.Add(new AuditProblem(AuditProblemKind.CheckpointStale, 0,
                reference.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));

        // Entries no checkpoint covers must be young: the writer signs one after every high-value event, at the end of
        // every command and at every shutdown, and the service every interval; older ones were left open to deletion.
        if (firstUncoveredAt is { } uncoveredAt && time.GetUtcNow() - uncoveredAt > 2 * options.Value.CheckpointInterval)
            problems.Add(new AuditProblem(AuditProblemKind.EntriesUncovered, covered + 1,
                lastSequence.ToString(CultureInfo.InvariantCulture)));

        problems = problems.DistinctBy(p => (p.Kind, p.Sequence)).ToList();
        return new AuditVerification(count, broken, checkpoints.Count, badCheckpoint, problems);
    }

    private bool IsSigned(AuditCheckpoint c) => c.KeyId == signer.KeyId && AuditSigner.Verify(signer.PublicKeyPem, c);

    /// <summary>
    /// An entry from its raw columns, or null with the name of the first column that cannot be read (and the sequence
    /// number, when that one can).
    /// </summary>
    private static AuditEntry? Read(System.Data.Common.DbDataReader r, out long? readSequence, out string? malformed)
    {
        malformed = null;
        readSequence = null;
        string? Text(int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture);

        if (!long.TryParse(Text(0), NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence))
        {
            malformed = "Sequence";
            return null;
        }
        readSequence = sequence;
        DateTimeOffset at;
        switch (r.IsDBNull(1) ? null : r.GetValue(1))
        {
            case DateTimeOffset value:
                at = value;
                break;
            case DateTime value:
                at = new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
                break;
            case string value when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                at = parsed;
                break;
            default:
                malformed = "At";
                return null;
        }
        if (Text(4) is not { } action || Text(8) is not { } data || Text(9) is not { } previous || Text(10) is not { } hash)
        {
            malformed = Text(4) is null ? "Action" : Text(8) is null ? "DataJson" : Text(9) is null ? "PreviousHash" : "Hash";
            return null;
        }
        return new AuditEntry
        {
            Sequence = sequence, At = at, ActorUserId = Text(2), ActorRole = Text(3), Action = action, TargetType = Text(5),
            TargetId = Text(6), SourceIpHash = Text(7), DataJson = data, PreviousHash = previous, Hash = hash,
        };
    }
}

/// <summary>
/// Signs a checkpoint every Audit:CheckpointInterval (an hour by default) when the log has grown, and renews the
/// newest one into the file when it has not. Every instance runs it; the checkpoint lease makes one of them sign per
/// period (<see cref="AuditCheckpoints.CreatePeriodicAsync"/>).
/// </summary>
internal sealed class AuditCheckpointService(AuditCheckpoints checkpoints, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<AuditOptions> options, ILogger<AuditCheckpointService> logger) : BackgroundService
{
    private long _runs;

    /// <summary>Periodic turns finished since start, signed or skipped (tests wait on it instead of sleeping).</summary>
    public long CompletedRuns => Interlocked.Read(ref _runs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // renew: a quiet log still gets a fresh signed line in the file, so a stopped service shows as stale.
                var (c, skipped) = await checkpoints.CreatePeriodicAsync(stoppingToken);
                if (c is not null) logger.LogInformation("Audit checkpoint signed up to entry {Sequence}", c.UpToSequence);
                else if (skipped) logger.LogDebug("Audit checkpoint of this period already signed by another instance");
            }
            catch (LeaseUnavailableException ex)
            {
                // Nobody can say whether another instance signs right now: skip this turn rather than sign twice. A
                // shutdown, a sealed event or the next turn signs; verify-audit reports a checkpoint more than two periods old.
                logger.LogWarning(ex, "Audit checkpoint skipped this period: the checkpoint lease cannot be taken (Redis down)");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not sign an audit checkpoint");
            }
            Interlocked.Increment(ref _runs);
        }
    }
}
