using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;

namespace ScorePortal.Features.Privacy;

/// <summary>
/// Prepares the copies still waiting and deletes those past <see cref="DataCopyOptions.KeepFor"/>. Each copy is claimed
/// with a conditional update before it is prepared (<see cref="ScorePortal.Features.Privacy.DataCopy.ClaimedUntil"/>), so two instances — or the
/// worker and an admin's request — never prepare one copy twice, and a copy whose worker died is taken up again once
/// the claim runs out. The worker (<see cref="DataCopyWorker"/>) calls it under a lease; tests call it directly.
/// </summary>
public sealed class DataCopyPreparer(IDbContextFactory<ScorePortalDbContext> dbFactory, DataCopyCollector collector, DataCopyPdf pdf,
    DataCopyVault vault, IOptions<DataCopyOptions> options, TimeProvider time, ILogger<DataCopyPreparer> logger)
{
    /// <summary>Tries before a copy is marked failed (the person may then ask again at once).</summary>
    public const int MaxAttempts = 3;

    /// <summary>How long a claim keeps other workers off a copy.</summary>
    public static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Indented, and Chinese written as itself rather than as \u escapes: the file is for a person and their tools,
    /// served as an attachment of type application/json, never embedded in a page.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Prepares every waiting copy (stopping early when <paramref name="stop"/> fires); returns how many are now ready.</summary>
    public async Task<int> PrepareWaitingAsync(CancellationToken ct = default, CancellationToken stop = default)
    {
        List<int> waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            waiting = await db.DataCopies.AsNoTracking().Where(c => c.Status == DataCopyStatus.Preparing)
                .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var ready = 0;
        foreach (var id in waiting)
        {
            if (stop.IsCancellationRequested) break;
            if (await PrepareAsync(id, ct)) ready++;
        }
        return ready;
    }

    /// <summary>Claims and prepares one copy; false when it was not waiting, someone else holds it, or this try failed.</summary>
    public async Task<bool> PrepareAsync(int copyId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var until = now + ClaimFor;
        var claimed = await db.DataCopies
            .Where(c => c.Id == copyId && c.Status == DataCopyStatus.Preparing && (c.ClaimedUntil == null || c.ClaimedUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.ClaimedUntil, until).SetProperty(c => c.Attempts, c => c.Attempts + 1), ct);
        if (claimed == 0) return false;
        var copy = await db.DataCopies.SingleAsync(c => c.Id == copyId, ct);
        try
        {
            var content = await collector.CollectAsync(copy, ct);
            var json = JsonSerializer.SerializeToUtf8Bytes(content, Json);
            var file = pdf.Render(content);
            copy.SealedJson = vault.Seal(json, copy.Id, DataCopyFormat.Json);
            copy.SealedPdf = vault.Seal(file, copy.Id, DataCopyFormat.Pdf);
            copy.Status = DataCopyStatus.Ready;
            copy.ReadyAt = time.GetUtcNow();
            copy.ExpiresAt = copy.ReadyAt + options.Value.LinkLifetime;
            copy.ClaimedUntil = null;
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Ids only: the exception may quote data of the person.
            logger.LogError("Preparing data copy {CopyId} failed (attempt {Attempt}): {Error}", copy.Id, copy.Attempts, ex.GetType().Name);
            copy.ClaimedUntil = copy.Attempts >= MaxAttempts ? null : now + TimeSpan.FromMinutes(1);
            if (copy.Attempts >= MaxAttempts) copy.Status = DataCopyStatus.Failed;
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>Deletes the copies (rows and sealed files) past their removal time; returns how many.</summary>
    public async Task<int> DeleteOldAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.DataCopies.Where(c => c.RemoveAt <= now).ExecuteDeleteAsync(ct);
    }
}
