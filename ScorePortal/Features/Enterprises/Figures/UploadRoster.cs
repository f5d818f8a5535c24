using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScorePortal.Data;
using ScorePortal.Platform.Audit;
using ScorePortal.Security;

namespace ScorePortal.Features.Enterprises.Figures;

/// <param name="EnterpriseId">The uploader's enterprise, resolved on the server (<see cref="EnterpriseMembership"/>), never taken from the client.</param>
public sealed record UploadRosterRequest(int EnterpriseId, string UserId, byte[] Content, string? SourceIp);

public abstract record UploadRosterOutcome
{
    /// <summary>The roster was replaced: <paramref name="Kept"/> rows of consenting employees, <paramref name="Dropped"/> without an active consent.</summary>
    public sealed record Stored(int Rows, int Kept, int Dropped) : UploadRosterOutcome;

    /// <summary>Rows to fix; nothing was stored.</summary>
    public sealed record Refused(IReadOnlyList<RosterError> Errors, int ErrorCount, int Rows) : UploadRosterOutcome;

    /// <summary>The file as a whole is refused (size, encoding, header); nothing was stored.</summary>
    public sealed record Invalid(string Key, params object[] Args) : UploadRosterOutcome;
}

/// <summary>
/// Replaces an enterprise's roster with an uploaded file, all or nothing: a file with any bad row stores nothing and
/// the roster stays as it was; a good one replaces the whole roster in one transaction, keeping only the rows whose
/// employee id has a consent to this enterprise that is active now. The answer says how many rows were kept and how
/// many dropped, never which: which ids consented is not the enterprise's to learn from an upload. Audited with counts
/// only.
/// </summary>
public sealed class UploadRoster(IDbContextFactory<ScorePortalDbContext> dbFactory, IOptions<FiguresOptions> options, AuditLog audit,
    TimeProvider time)
{
    public async Task<UploadRosterOutcome> HandleAsync(UploadRosterRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limits = options.Value;
        var outcome = request.Content.Length > limits.MaxRosterBytes
            ? new UploadRosterOutcome.Invalid("EnterpriseFigures.File.TooLarge", Megabytes(limits.MaxRosterBytes), limits.MaxRosterRows)
            : RosterFile.Read(request.Content, limits.MaxRosterRows) switch
            {
                RosterRead.Unreadable u => new UploadRosterOutcome.Invalid(u.Key, u.Args),
                RosterRead.RowErrors e => new UploadRosterOutcome.Refused(e.Errors, e.ErrorCount, e.RowCount),
                RosterRead.Rows r => await StoreAsync(request.EnterpriseId, r.Items, ct),
                _ => throw new InvalidOperationException("Unknown roster read."),
            };

        await AuditAsync(request.EnterpriseId, request.UserId, request.SourceIp, request.Content.Length, outcome);
        return outcome;
    }

    /// <summary>A file refused by its size before it is read (the page knows the size from the browser).</summary>
    public async Task<UploadRosterOutcome> RefuseTooLargeAsync(int enterpriseId, string userId, long size, string? sourceIp)
    {
        var limits = options.Value;
        var outcome = new UploadRosterOutcome.Invalid("EnterpriseFigures.File.TooLarge", Megabytes(limits.MaxRosterBytes), limits.MaxRosterRows);
        await AuditAsync(enterpriseId, userId, sourceIp, size, outcome);
        return outcome;
    }

    private async Task AuditAsync(int enterpriseId, string userId, string? sourceIp, long size, UploadRosterOutcome outcome)
    {
        var data = outcome switch
        {
            UploadRosterOutcome.Stored s => Counts(("rows", s.Rows), ("kept", s.Kept), ("dropped", s.Dropped)),
            UploadRosterOutcome.Refused r => Counts(("rows", r.Rows), ("errors", r.ErrorCount)),
            UploadRosterOutcome.Invalid i => new Dictionary<string, string?> { ["problem"] = i.Key, ["bytes"] = Number(size) },
            _ => null,
        };
        await audit.WriteAsync(new AuditRecord(
            outcome is UploadRosterOutcome.Stored ? AuditActions.EnterpriseRosterUpload : AuditActions.EnterpriseRosterUploadRefused,
            userId, Roles.Enterprise, nameof(Enterprise), Number(enterpriseId), sourceIp, data), CancellationToken.None);
    }

    private async Task<UploadRosterOutcome> StoreAsync(int enterpriseId, IReadOnlyList<RosterRow> rows, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InTransactionAsync<UploadRosterOutcome>(async (transaction, ct) =>
        {
            // Read inside the transaction that writes: a consent revoked a moment ago is not kept.
            var consenting = (await db.Consents.AsNoTracking()
                    .Where(c => c.EnterpriseId == enterpriseId && c.RevokedAt == null && c.ClosedAt == null && c.ExpiresAt > now)
                    .Select(c => c.EmployeeId)
                    .ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            var kept = rows.Where(r => consenting.Contains(r.EmployeeId)).ToList();

            await db.RosterEntries.Where(r => r.EnterpriseId == enterpriseId).ExecuteDeleteAsync(ct);
            db.RosterEntries.AddRange(kept.Select(r => new RosterEntry
            {
                EnterpriseId = enterpriseId, EmployeeId = r.EmployeeId, Department = r.Department,
                Performance = r.Performance, YearsOfService = r.YearsOfService, UploadedAt = now,
            }));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new UploadRosterOutcome.Stored(rows.Count, kept.Count, rows.Count - kept.Count);
        }, ct);
    }

    /// <summary>The limit in whole megabytes for the message (2 MB, not 2097152 bytes).</summary>
    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string?> Counts(params (string Key, int Value)[] counts) =>
        counts.ToDictionary(c => c.Key, c => (string?)Number(c.Value));
}
