using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>
/// SHA-256 over the normalized content of a batch as stored: the session, then one line per score ordered by ticket
/// number and subject code (ticket, ID type, ID number, name, province, qualification, subject, score, status).
/// Computed from the database, it does not depend on the file's row order or formatting, and recomputing it later
/// shows whether the stored rows are still the ones that were approved.
/// </summary>
public static class BatchFingerprint
{
    private static readonly string IdNumberBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.IdNumber));
    private static readonly string NameBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Name));
    private static readonly string ScoreBinding = FieldEncryption.Binding(typeof(SubjectScore), nameof(SubjectScore.Score));

    public static async Task<string> ComputeAsync(ScorePortalDbContext db, int batchId, CancellationToken ct)
    {
        var sessionCode = await db.ResultBatches.Where(b => b.Id == batchId).Select(b => b.ExamSession.Code).SingleAsync(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "scoreportal-batch-v1\n" + sessionCode + "\n");

        // The encrypted columns as stored, with the RowKeys they are bound to, opened here: no entity is materialized
        // for a row, and a candidate's values are opened once for the run of their rows (ordered by ticket).
        var protector = FieldEncryptionInterceptor.ProtectorOf(db);
        var rows = db.SubjectScores.AsNoTracking()
            .Where(s => s.ResultBatchId == batchId)
            .OrderBy(s => s.Registration.TicketNumber).ThenBy(s => s.Subject.Code)
            .Select(s => new
            {
                s.Registration.TicketNumber, s.Registration.CandidateId, s.Registration.Candidate.IdType,
                CandidateRow = s.Registration.Candidate.RowKey,
                IdNumber = EF.Property<string>(s.Registration.Candidate, nameof(Candidate.IdNumber) + FieldEncryption.StoredSuffix),
                Name = EF.Property<string>(s.Registration.Candidate, nameof(Candidate.Name) + FieldEncryption.StoredSuffix),
                s.Registration.ProvinceCode, Qualification = s.Registration.Qualification.Code,
                Subject = s.Subject.Code, s.RowKey, Score = EF.Property<string?>(s, nameof(SubjectScore.Score) + FieldEncryption.StoredSuffix), s.Status,
            })
            .AsAsyncEnumerable();
        var line = new StringBuilder(128);
        var candidateId = -1;
        string idNumber = "", name = "";
        await foreach (var r in rows.WithCancellation(ct))
        {
            if (r.CandidateId != candidateId)
            {
                candidateId = r.CandidateId;
                idNumber = FieldEncryption.OpenString(protector, r.IdNumber, IdNumberBinding, r.CandidateRow);
                name = FieldEncryption.OpenString(protector, r.Name, NameBinding, r.CandidateRow);
            }
            var score = r.Score is null ? (decimal?)null : FieldEncryption.OpenDecimal(protector, r.Score, ScoreBinding, r.RowKey);
            line.Clear()
                .Append(r.TicketNumber).Append('\t').Append(r.IdType).Append('\t').Append(idNumber).Append('\t')
                .Append(name).Append('\t').Append(r.ProvinceCode).Append('\t').Append(r.Qualification).Append('\t')
                .Append(r.Subject).Append('\t').Append(score?.ToString("0.0", CultureInfo.InvariantCulture)).Append('\t')
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
