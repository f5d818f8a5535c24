using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;

namespace ScorePortal.Features.Batches;

/// <summary>
/// SHA-256 over the normalized content of a batch as stored: the session, then one line per score ordered by ticket
/// number and subject code (ticket, ID type, ID number, name, province, qualification, subject, score, status).
/// Computed from the database, it does not depend on the file's row order or formatting, and recomputing it later
/// shows whether the stored rows are still the ones that were approved.
/// </summary>
public static class BatchFingerprint
{
    public static async Task<string> ComputeAsync(ScorePortalDbContext db, int batchId, CancellationToken ct)
    {
        var sessionCode = await db.ResultBatches.Where(b => b.Id == batchId).Select(b => b.ExamSession.Code).SingleAsync(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "scoreportal-batch-v1\n" + sessionCode + "\n");

        var rows = db.SubjectScores.AsNoTracking()
            .Where(s => s.ResultBatchId == batchId)
            .OrderBy(s => s.Registration.TicketNumber).ThenBy(s => s.Subject.Code)
            .Select(s => new
            {
                s.Registration.TicketNumber, s.Registration.Candidate.IdType, s.Registration.Candidate.IdNumber,
                s.Registration.Candidate.Name, s.Registration.ProvinceCode, Qualification = s.Registration.Qualification.Code,
                Subject = s.Subject.Code, s.Score, s.Status,
            })
            .AsAsyncEnumerable();
        var line = new StringBuilder(128);
        await foreach (var r in rows.WithCancellation(ct))
        {
            line.Clear()
                .Append(r.TicketNumber).Append('\t').Append(r.IdType).Append('\t').Append(r.IdNumber).Append('\t')
                .Append(r.Name).Append('\t').Append(r.ProvinceCode).Append('\t').Append(r.Qualification).Append('\t')
                .Append(r.Subject).Append('\t').Append(r.Score?.ToString("0.0", CultureInfo.InvariantCulture)).Append('\t')
                .Append(r.Status).Append('\n');
            Append(hash, line.ToString());
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));

    /// <summary>The fingerprint in groups of four for reading aloud over the phone: 3f2a 9c01 …</summary>
    public static string Grouped(string fingerprint) =>
        string.Join(' ', Enumerable.Range(0, (fingerprint.Length + 3) / 4).Select(i => fingerprint.Substring(i * 4, Math.Min(4, fingerprint.Length - i * 4))));
}
