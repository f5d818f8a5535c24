using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Demo;
using ScorePortal.Model;
using ScorePortal.Operations;
using ScorePortal.Security;

namespace ScorePortal.Bench;

/// <summary>
/// <c>generate-bench-data --candidates 1000000 --sample bench/out/lookups.csv</c>: fills a SQLite database with a
/// release-day population (one registration and its subject scores per candidate, in the latest published session)
/// for the lookup benchmark, and writes a sample of (session, ID number, name) rows for the load tool.
/// EF's per-row inserts would take most of an hour for a million candidates; this writes the same rows with
/// prepared statements in large transactions, and computes every value (blind index, AES-GCM ciphertext) with the
/// portal's own code, so the benchmark decrypts what production would.
/// </summary>
public static class BenchDataCommand
{
    // Written as FieldEncryptionInterceptor writes these columns (bound to their column and row, see FieldProtector).
    private static readonly string IdNumberBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.IdNumber));
    private static readonly string NameBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Name));
    private static readonly string ScoreBinding = FieldEncryption.Binding(typeof(SubjectScore), nameof(SubjectScore.Score));

    public static readonly PortalCommand Command = new("generate-bench-data",
        "Add N candidates with scores to the (SQLite) database for the lookup benchmark: --candidates N --sample FILE.csv", RunAsync);

    private const int Chunk = 50_000;

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var count = args.GetInt("candidates", 1_000_000);
        var samplePath = args.Get("sample") ?? "bench/out/lookups.csv";
        var sampleSize = args.GetInt("sample-size", 20_000);
        var time = services.GetRequiredService<TimeProvider>();
        var index = services.GetRequiredService<BlindIndex>();
        var protector = services.GetRequiredService<FieldProtector>();

        await using var db = await services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync();
        if (!db.Database.IsSqlite())
        {
            output.WriteLine("generate-bench-data writes SQLite only.");
            return 2;
        }
        // The catalog, sessions and a small demo population come from the ordinary seeder.
        await DemoDataSeeder.SeedAsync(db, index, new DemoSeedOptions { Candidates = 100 }, time, CancellationToken.None);

        var now = time.GetUtcNow();
        var sessions = await db.ExamSessions.AsNoTracking().NewestFirst().ToListAsync();
        var session = sessions.First(s => s.IsReleased(now));
        var batchId = await db.ResultBatches.Where(b => b.ExamSessionId == session.Id).Select(b => b.Id).FirstAsync();
        var qualifications = await db.Qualifications.AsNoTracking()
            .Select(q => new { q.Id, Subjects = q.Subjects.OrderBy(s => s.SortOrder).Select(s => new { s.Id, s.FullMarks, s.PassLine }).ToList() })
            .ToListAsync();
        var provinces = await db.Provinces.AsNoTracking().Select(p => p.Code).ToListAsync();
        var firstCandidate = (await db.Candidates.MaxAsync(c => (int?)c.Id) ?? 0) + 1;
        var firstRegistration = (await db.Registrations.MaxAsync(r => (int?)r.Id) ?? 0) + 1;

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");

        var rng = new Random(20261128);
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(samplePath))!);
        await using var sample = new StreamWriter(samplePath, false, new UTF8Encoding(false));
        await sample.WriteLineAsync("session,id_number,name");
        var sampleEvery = Math.Max(1, count / Math.Max(1, sampleSize));
        var createdAt = Text(now);
        var usedIds = new HashSet<string>(StringComparer.Ordinal);

        for (var done = 0; done < count; done += Chunk)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var candidate = Prepare(connection, tx,
                "INSERT INTO Candidates (Id, RowKey, IdType, IdNumber, IdNumberIndex, Name, Email, UserId, CreatedAt) VALUES ($id, $row, 'ResidentId', $number, $index, $name, NULL, NULL, $at)",
                "$id", "$row", "$number", "$index", "$name", "$at");
            await using var registration = Prepare(connection, tx,
                "INSERT INTO Registrations (Id, CandidateId, ExamSessionId, QualificationId, ProvinceCode, TicketNumber, RegisteredAt) VALUES ($id, $candidate, $session, $qualification, $province, $ticket, $at)",
                "$id", "$candidate", "$session", "$qualification", "$province", "$ticket", "$at");
            await using var score = Prepare(connection, tx,
                "INSERT INTO SubjectScores (RowKey, RegistrationId, SubjectId, Score, Status, Version, ResultBatchId, IsCurrent, SupersededAt) VALUES ($row, $registration, $subject, $score, $status, 1, $batch, 1, NULL)",
                "$row", "$registration", "$subject", "$score", "$status", "$batch");

            var end = Math.Min(count, done + Chunk);
            for (var i = done; i < end; i++)
            {
                var province = provinces[rng.Next(provinces.Count)];
                string number;
                do number = RandomResidentId(rng, province); while (!usedIds.Add(number));
                var name = DemoNames.ChineseName(rng, rng.Next(2) == 0);
                var candidateId = firstCandidate + i;
                var registrationId = firstRegistration + i;
                var qualification = qualifications[rng.Next(qualifications.Count)];

                var candidateRow = Guid.NewGuid();
                Bind(candidate, candidateId, RowKeyText(candidateRow), protector.Protect(number, IdNumberBinding, candidateRow), index.Compute(IdType.ResidentId, number),
                    protector.Protect(name, NameBinding, candidateRow), createdAt);
                await candidate.ExecuteNonQueryAsync();
                Bind(registration, registrationId, candidateId, session.Id, qualification.Id, province,
                    $"B{session.Code}-{province}-{i:D7}", createdAt);
                await registration.ExecuteNonQueryAsync();
                foreach (var subject in qualification.Subjects)
                {
                    var absent = rng.NextDouble() < 0.03;
                    var mark = Math.Clamp(Math.Round((decimal)(rng.NextDouble() * 0.55 + 0.3) * subject.FullMarks), 0, subject.FullMarks);
                    var scoreRow = Guid.NewGuid();
                    Bind(score, RowKeyText(scoreRow), registrationId, subject.Id,
                        absent ? DBNull.Value : protector.Protect(mark.ToString(CultureInfo.InvariantCulture), ScoreBinding, scoreRow),
                        (absent ? ScoreStatus.Absent : ScoreStatus.Normal).ToString(), batchId);
                    await score.ExecuteNonQueryAsync();
                }
                if (i % sampleEvery == 0) await sample.WriteLineAsync($"{session.Code},{number},{name}");
            }
            await tx.CommitAsync();
            output.WriteLine($"{end:N0} / {count:N0} candidates ({stopwatch.Elapsed.TotalSeconds:F0} s)");
        }
        await Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        output.WriteLine($"Done: {count:N0} candidates in session {session.Code} in {stopwatch.Elapsed.TotalSeconds:F0} s; sample: {samplePath}");
        return 0;
    }

    /// <summary>A valid GB 11643 number: province + area + birth date + sequence + MOD 11-2 check digit.</summary>
    private static string RandomResidentId(Random rng, string province)
    {
        var birth = new DateOnly(1965, 1, 1).AddDays(rng.Next(0, 365 * 40));
        var first17 = $"{province}{rng.Next(1, 100):D2}{rng.Next(1, 30):D2}{birth:yyyyMMdd}{rng.Next(0, 1000):D3}";
        return first17 + ResidentIdNumber.ComputeCheckDigit(first17);
    }

    // As EF Core's SQLite provider stores a Guid: upper-case text.
    private static string RowKeyText(Guid value) => value.ToString("D").ToUpperInvariant();

    private static string Text(DateTimeOffset value) => value.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction tx, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
        }
        command.Prepare();
        return command;
    }

    private static void Bind(DbCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
    }
}
