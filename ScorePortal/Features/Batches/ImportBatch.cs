using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>Import a results file (already on disk) into a session as a new batch version.</summary>
public sealed record ImportBatchRequest(string? SessionCode, string FilePath, string FileName, string UserId);

public enum ImportPhase { Checking, Validating, Storing, Fingerprinting }

public sealed record ImportProgress(ImportPhase Phase, double Fraction, int Rows);

public abstract record ImportOutcome
{
    /// <summary>Stored as a batch waiting for approval; nobody sees its scores yet.</summary>
    public sealed record Imported(int BatchId, string SessionCode, int Version, string Fingerprint, BatchSummary Summary) : ImportOutcome;

    /// <summary>The file has bad rows; nothing was stored. <paramref name="ReportId"/> names the full report.</summary>
    public sealed record Refused(int ErrorCount, int Rows, IReadOnlyList<ImportError> FirstErrors, string ReportId) : ImportOutcome;

    /// <summary>This very file (same bytes) was imported before.</summary>
    public sealed record AlreadyImported(int BatchId, string SessionCode, int Version, ResultBatchStatus Status) : ImportOutcome;

    /// <summary>Nothing could be checked row by row: unknown session, unreadable file, another import running.</summary>
    public sealed record Invalid(string Key, params object[] Args) : ImportOutcome;
}

/// <summary>
/// Two passes over the file, both streaming. The first checks every row (formats, catalog, duplicates and conflicts
/// within the file and against the database) and stores nothing; a file with any bad row is refused with a full
/// report. The second, only for a clean file, stores candidates, registrations and scores in one transaction — a
/// crash or kill leaves the database as it was — with the scores not current until the batch is published.
/// </summary>
public sealed class ImportBatch(
    IDbContextFactory<ScorePortalDbContext> dbFactory, BlindIndex blindIndex, ImportFiles files, AuditLog audit,
    IStringLocalizer<SharedResource> localizer, TimeProvider time, StorageHealth storage, ILogger<ImportBatch> logger)
{
    /// <summary>Errors kept for the report; a file beyond this is hopeless anyway and is counted, not listed.</summary>
    public const int MaxListedErrors = 100_000;

    internal const int Chunk = 1000;

    // One import at a time: SQLite has one writer, and two versions of one session must not race for a number.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<ImportOutcome> HandleAsync(ImportBatchRequest request, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (BatchFile.FormatOf(request.FileName) is not { } format) return new ImportOutcome.Invalid("Batches.File.Format");
        if (!await _gate.WaitAsync(TimeSpan.Zero, ct)) return new ImportOutcome.Invalid("Batches.Import.Busy");
        try
        {
            return await ImportAsync(request, format, progress, ct);
        }
        catch (BatchFile.FileProblem problem)
        {
            await audit.WriteAsync(Refusal(request, null, problem.Key), ct);
            return new ImportOutcome.Invalid(problem.Key, problem.Args);
        }
        catch (Exception failure) when (StorageFaults.Classify(failure) is { } fault)
        {
            // A full or read-only disk (issue #26): the one transaction rolled back, the database is as before. The
            // message names the cause; the refusal is queued for the audit log, which keeps it until it can be written.
            logger.LogError(StorageFaults.OperationRolledBack, "Import into session {Session} rolled back: {Cause}", request.SessionCode, StorageFaults.Cause(fault));
            storage.OperationFailed(fault, "import");
            await audit.WriteAsync(Refusal(request, null, "storage-" + fault), CancellationToken.None);
            return new ImportOutcome.Invalid(StorageFaults.MessageKey(fault));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ImportOutcome> ImportAsync(ImportBatchRequest request, BatchFile.Format format, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var code = request.SessionCode?.Trim().ToUpperInvariant() ?? "";
        var session = await db.ExamSessions.AsNoTracking().Where(s => s.Code == code).Select(s => new { s.Id, s.Code }).SingleOrDefaultAsync(ct);
        if (session is null) return new ImportOutcome.Invalid("Batches.Import.SessionUnknown", code.Length > 16 ? code[..16] : code);

        if (new FileInfo(request.FilePath).Length == 0) throw new BatchFile.FileProblem("Batches.File.Empty");
        progress?.Report(new ImportProgress(ImportPhase.Checking, 0, 0));
        var contentHash = await HashFileAsync(request.FilePath, ct);
        var earlier = await db.ResultBatches.AsNoTracking().Where(b => b.ContentSha256 == contentHash)
            .Select(b => new { b.Id, b.ExamSession.Code, b.Version, b.Status }).FirstOrDefaultAsync(ct);
        if (earlier is not null)
        {
            await audit.WriteAsync(Refusal(request, contentHash, "already-imported"), ct);
            return new ImportOutcome.AlreadyImported(earlier.Id, earlier.Code, earlier.Version, earlier.Status);
        }

        var catalog = await ImportCatalog.LoadAsync(db, ct);
        var checkedFile = await CheckAsync(db, request, format, catalog, session.Id, progress, ct);
        if (checkedFile.Rows == 0) throw new BatchFile.FileProblem("Batches.File.Empty");
        if (checkedFile.ErrorCount > 0)
        {
            var ordered = checkedFile.Errors.OrderBy(e => e.Line).ToList();
            var reportId = await files.WriteReportAsync(ordered, localizer, ct);
            await audit.WriteAsync(Refusal(request, contentHash, "invalid-rows", checkedFile.ErrorCount), ct);
            logger.LogInformation("Import into session {Session} refused: {Errors} errors in {Rows} rows", session.Code, checkedFile.ErrorCount, checkedFile.Rows);
            return new ImportOutcome.Refused(checkedFile.ErrorCount, checkedFile.Rows, ordered.Take(200).ToList(), reportId);
        }

        var (rows, summary) = (checkedFile.Rows, checkedFile.Summary);
        checkedFile = null; // the first pass's maps of every ticket and person are garbage from here on
        var (stored, intent) = await StoreAsync(db, request, format, session.Id, session.Code, catalog, contentHash, summary, rows, progress, ct);

        // Its entry was promised in the store's transaction: a kill before this line loses nothing.
        if (intent is not null) await audit.CommitIntentAsync(intent, ct);
        logger.LogInformation("Imported batch {BatchId} (session {Session} v{Version}): {Rows} rows", stored.BatchId, session.Code, stored.Version, rows);
        return stored;
    }

    private sealed record CheckedFile(int Rows, int ErrorCount, List<ImportError> Errors, BatchSummary Summary);

    /// <summary>The first pass, in its own method so that its maps die with it (an async method keeps its locals).</summary>
    private async Task<CheckedFile> CheckAsync(ScorePortalDbContext db, ImportBatchRequest request, BatchFile.Format format,
        ImportCatalog catalog, int sessionId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var check = new ImportCheck(db, blindIndex, catalog, sessionId);
        var validating = Phase(progress, ImportPhase.Validating, () => check.Rows);
        await foreach (var raw in BatchFile.ReadAsync(request.FilePath, format, validating, ct))
            await check.AddAsync(raw, ct);
        await check.FlushAsync(ct);
        return new CheckedFile(check.Rows, check.ErrorCount, check.Errors, check.ErrorCount == 0 ? check.Summary() : BatchSummary.Empty);
    }

    private static AuditRecord Imported(ImportBatchRequest request, string sessionCode, int batchId, int version, int rows, string fingerprint,
        string contentHash) =>
        new(AuditActions.BatchImport, request.UserId, Roles.Admin, "ResultBatch", batchId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data: new Dictionary<string, string?>
            {
                ["session"] = sessionCode,
                ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["rows"] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["fingerprint"] = fingerprint,
                ["contentSha256"] = contentHash,
            });

    private async Task<(ImportOutcome.Imported Stored, AuditIntent? Intent)> StoreAsync(
        ScorePortalDbContext db, ImportBatchRequest request, BatchFile.Format format, int sessionId, string sessionCode,
        ImportCatalog catalog, string contentHash, BatchSummary summary, int totalRows, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // The whole store is one unit of work inside the execution strategy: a transient fault (SQL Server failing over,
        // SQLite still locked after its busy timeout) rolls it back and stores the file again from its first row. When
        // the fault hid whether the commit happened (its acknowledgement lost), the batch this attempt added is looked
        // for first: found means stored, and storing again would add a second version of the same file.
        (int Id, int Version)? pending = null;
        AuditIntent? promised = null;
        return await db.InTransactionAsync<(ImportOutcome.Imported, AuditIntent?)>(async (tx, ct) =>
        {
            pending = null;
            promised = null;

            var now = time.GetUtcNow();
            var version = (await db.ResultBatches.Where(b => b.ExamSessionId == sessionId).MaxAsync(b => (int?)b.Version, ct) ?? 0) + 1;
            var supersedes = await db.ResultBatches.Where(b => b.ExamSessionId == sessionId && b.Status == ResultBatchStatus.Published)
                .OrderByDescending(b => b.Version).Select(b => (int?)b.Id).FirstOrDefaultAsync(ct);
            var batch = new ResultBatch
            {
                ExamSessionId = sessionId,
                Version = version,
                FileName = Path.GetFileName(request.FileName) is { Length: > 0 and <= 260 } name ? name : "results",
                ContentSha256 = contentHash,
                Fingerprint = new string('0', 64),
                Status = ResultBatchStatus.Validated,
                RowCount = totalRows,
                ImportedByUserId = request.UserId,
                ImportedAt = now,
                SupersedesBatchId = supersedes,
                SummaryJson = summary.ToJson(),
            };
            db.ResultBatches.Add(batch);
            await db.SaveChangesAsync(ct);
            pending = (batch.Id, version);

            var store = new ImportStore(db, blindIndex, sessionId, batch.Id, now);
            var stored = 0;
            var chunk = new List<ImportRow>(Chunk);
            var scratch = new List<ImportError>();
            await foreach (var raw in BatchFile.ReadAsync(request.FilePath, format, null, ct))
            {
                // The file was checked a moment ago; a row that fails now means it changed in between.
                var row = ImportRow.Parse(raw, catalog, scratch) ?? throw new BatchFile.FileProblem("Batches.File.Changed");
                chunk.Add(row);
                if (chunk.Count < Chunk) continue;
                await store.AddAsync(chunk, ct);
                stored += chunk.Count;
                chunk.Clear();
                progress?.Report(new ImportProgress(ImportPhase.Storing, (double)stored / totalRows, stored));
            }
            await store.AddAsync(chunk, ct);
            stored += chunk.Count;
            if (stored != totalRows) throw new BatchFile.FileProblem("Batches.File.Changed");

            progress?.Report(new ImportProgress(ImportPhase.Fingerprinting, 1, stored));
            var fingerprint = await BatchFingerprint.ComputeAsync(db, batch.Id, ct);
            await db.ResultBatches.Where(b => b.Id == batch.Id).ExecuteUpdateAsync(u => u.SetProperty(b => b.Fingerprint, fingerprint), ct);
            // The audit entry is promised in the same commit (AuditIntent): never a stored batch without its entry.
            promised = audit.Intend(db, Imported(request, sessionCode, batch.Id, version, stored, fingerprint, contentHash));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return (new ImportOutcome.Imported(batch.Id, sessionCode, version, fingerprint, summary), promised);
        }, async ct =>
        {
            if (pending is not { } added) return DatabaseTransactions.NotCommitted<(ImportOutcome.Imported, AuditIntent?)>();
            var fingerprint = await db.ResultBatches.AsNoTracking()
                .Where(b => b.Id == added.Id && b.ExamSessionId == sessionId && b.Version == added.Version
                            && b.ContentSha256 == contentHash && b.ImportedByUserId == request.UserId)
                .Select(b => b.Fingerprint).FirstOrDefaultAsync(ct);
            // Committed, with the audit entry that attempt promised.
            return fingerprint is null
                ? DatabaseTransactions.NotCommitted<(ImportOutcome.Imported, AuditIntent?)>()
                : DatabaseTransactions.Committed<(ImportOutcome.Imported, AuditIntent?)>((new ImportOutcome.Imported(added.Id, sessionCode, added.Version, fingerprint, summary), promised));
        }, ct);
    }

    private static AuditRecord Refusal(ImportBatchRequest request, string? contentHash, string reason, int errors = 0) =>
        new(AuditActions.BatchImportRefused, request.UserId, Roles.Admin, "ExamSession", request.SessionCode?.Length <= 16 ? request.SessionCode : null,
            Data: new Dictionary<string, string?>
            {
                ["reason"] = reason,
                ["errors"] = errors.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["contentSha256"] = contentHash,
            });

    // Reported on the import's own thread, in order: Progress<T> would post to the thread pool, where a report can
    // arrive after the import has returned (and its listener is gone).
    private static IProgress<double>? Phase(IProgress<ImportProgress>? progress, ImportPhase phase, Func<int> rows) =>
        progress is null ? null : new PhaseProgress(f => progress.Report(new ImportProgress(phase, f, rows())));

    private sealed class PhaseProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

}
