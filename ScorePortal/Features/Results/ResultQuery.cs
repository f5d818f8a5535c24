using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Results;

/// <summary>
/// One row of a lookup's single query: the candidate, one of their registrations (any session), one current score of
/// it (or none) and the qualification's unrevoked certificate (or none). A candidate has a handful of rows.
/// </summary>
internal sealed record ResultRow(
    int CandidateId, string Name, string IdNumber, string? Email,
    int RegistrationId, int SessionId, int QualificationId, string ProvinceCode, string TicketNumber,
    int? SubjectId, decimal? Score, ScoreStatus? Status, string? CertificateNumber, int? CertificateSessionId);

/// <summary>
/// The lookup's one round trip: the candidate's own rows (by the blind index, or by the admission ticket) with every
/// registration's current scores and the certificate. Each join is an index seek (candidate index, registration by
/// candidate, scores by registration, outcome by candidate and qualification).
/// <para>
/// On SQLite the statement is prepared once per connection and kept: preparing this join costs SQLite 60–120 µs,
/// running it 10–15 µs (bench/RESULTS.md), and Microsoft.Data.Sqlite prepares every new command afresh. A few
/// connections stay open for it, each holding its prepared statements; a lookup borrows one for the duration of the
/// query only. Other providers (SQL Server caches plans itself) run the same query as a compiled EF query, which
/// is also the reference the SQLite text is tested against.
/// </para>
/// </summary>
public sealed class ResultQuery(IDbContextFactory<ScorePortalDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<DatabaseOptions> options,
    FieldProtector protector) : IDisposable
{
    private const int ConnectionsKept = 16;

    private const string Columns = """
        SELECT c."Id", c."Name", c."IdNumber", c."Email", r."Id", r."ExamSessionId", r."QualificationId", r."ProvinceCode",
            r."TicketNumber", s."SubjectId", s."Score", s."Status", q."CertificateNumber", q."PassedInSessionId", c."RowKey", s."RowKey"
        """;

    private const string Joins = """
        JOIN "Registrations" AS r ON r."CandidateId" = c."Id"
        LEFT JOIN "SubjectScores" AS s ON s."RegistrationId" = r."Id" AND s."IsCurrent"
        LEFT JOIN "QualificationOutcomes" AS q ON q."CandidateId" = c."Id" AND q."QualificationId" = r."QualificationId" AND q."RevokedAt" IS NULL
        """;

    internal const string ByIdNumberSql = Columns + "\nFROM \"Candidates\" AS c\n" + Joins + "\nWHERE c.\"IdType\" = $type AND c.\"IdNumberIndex\" = $index";

    internal const string ByTicketSql = Columns + """

        FROM "Registrations" AS t
        JOIN "Candidates" AS c ON c."Id" = t."CandidateId"
        """ + "\n" + Joins + "\nWHERE t.\"ExamSessionId\" = $session AND t.\"TicketNumber\" = $ticket";

    // The columns this query opens itself, bound to their column and row as FieldEncryptionInterceptor binds them.
    private static readonly string NameBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Name));
    private static readonly string IdNumberBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.IdNumber));
    private static readonly string EmailBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Email));
    private static readonly string ScoreBinding = FieldEncryption.Binding(typeof(SubjectScore), nameof(SubjectScore.Score));

    private const string NameStored = nameof(Candidate.Name) + FieldEncryption.StoredSuffix;
    private const string IdNumberStored = nameof(Candidate.IdNumber) + FieldEncryption.StoredSuffix;
    private const string EmailStored = nameof(Candidate.Email) + FieldEncryption.StoredSuffix;
    private const string ScoreStored = nameof(SubjectScore.Score) + FieldEncryption.StoredSuffix;

    /// <summary>A row as stored: the encrypted columns still sealed, with the RowKeys they are bound to.</summary>
    private sealed record StoredRow(
        int CandidateId, Guid CandidateRow, string Name, string IdNumber, string? Email,
        int RegistrationId, int SessionId, int QualificationId, string ProvinceCode, string TicketNumber,
        int? SubjectId, Guid? ScoreRow, string? Score, ScoreStatus? Status, string? CertificateNumber, int? CertificateSessionId);

    private readonly ConcurrentBag<PreparedConnection> _idle = [];
    private string? _sqliteConnectionString;
    private bool? _isSqlite;

    private static readonly Func<ScorePortalDbContext, IdType, byte[], IAsyncEnumerable<StoredRow>> ByIdNumberQuery = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, IdType type, byte[] index) =>
            from c in db.Candidates
            where c.IdType == type && c.IdNumberIndex == index
            from r in db.Registrations.Where(r => r.CandidateId == c.Id)
            from s in db.SubjectScores.Where(s => s.RegistrationId == r.Id && s.IsCurrent).DefaultIfEmpty()
            from q in db.QualificationOutcomes.Where(q => q.CandidateId == c.Id && q.QualificationId == r.QualificationId && q.RevokedAt == null).DefaultIfEmpty()
            select new StoredRow(c.Id, c.RowKey, EF.Property<string>(c, NameStored), EF.Property<string>(c, IdNumberStored), EF.Property<string?>(c, EmailStored),
                r.Id, r.ExamSessionId, r.QualificationId, r.ProvinceCode, r.TicketNumber,
                (int?)s.SubjectId, (Guid?)s.RowKey, EF.Property<string?>(s, ScoreStored), (ScoreStatus?)s.Status, q.CertificateNumber, (int?)q.PassedInSessionId));

    private static readonly Func<ScorePortalDbContext, int, string, IAsyncEnumerable<StoredRow>> ByTicketQuery = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int sessionId, string ticket) =>
            from t in db.Registrations
            where t.ExamSessionId == sessionId && t.TicketNumber == ticket
            from c in db.Candidates.Where(c => c.Id == t.CandidateId)
            from r in db.Registrations.Where(r => r.CandidateId == c.Id)
            from s in db.SubjectScores.Where(s => s.RegistrationId == r.Id && s.IsCurrent).DefaultIfEmpty()
            from q in db.QualificationOutcomes.Where(q => q.CandidateId == c.Id && q.QualificationId == r.QualificationId && q.RevokedAt == null).DefaultIfEmpty()
            select new StoredRow(c.Id, c.RowKey, EF.Property<string>(c, NameStored), EF.Property<string>(c, IdNumberStored), EF.Property<string?>(c, EmailStored),
                r.Id, r.ExamSessionId, r.QualificationId, r.ProvinceCode, r.TicketNumber,
                (int?)s.SubjectId, (Guid?)s.RowKey, EF.Property<string?>(s, ScoreStored), (ScoreStatus?)s.Status, q.CertificateNumber, (int?)q.PassedInSessionId));

    /// <summary>The rows of the candidate holding this ID document; empty when there is none.</summary>
    internal async Task<List<ResultRow>> ByIdNumberAsync(IdType type, byte[] index, CancellationToken ct)
    {
        if (await IsSqliteAsync(ct))
            return Run(c => c.ById, command =>
            {
                command.Parameters["$type"].Value = type.ToString();
                command.Parameters["$index"].Value = index;
            });
        return await ByIdNumberThroughEfAsync(type, index, ct);
    }

    /// <summary>The rows of the candidate holding this admission ticket in the session; empty when there is none.</summary>
    internal async Task<List<ResultRow>> ByTicketAsync(int sessionId, string ticket, CancellationToken ct)
    {
        if (await IsSqliteAsync(ct))
            return Run(c => c.ByTicket, command =>
            {
                command.Parameters["$session"].Value = sessionId;
                command.Parameters["$ticket"].Value = ticket;
            });
        return await ByTicketThroughEfAsync(sessionId, ticket, ct);
    }

    /// <summary>The EF form of the query, whatever the provider: the reference the SQLite text is tested against.</summary>
    internal async Task<List<ResultRow>> ByIdNumberThroughEfAsync(IdType type, byte[] index, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ToListAsync(ByIdNumberQuery(db, type, index), ct);
    }

    internal async Task<List<ResultRow>> ByTicketThroughEfAsync(int sessionId, string ticket, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ToListAsync(ByTicketQuery(db, sessionId, ticket), ct);
    }

    private async Task<List<ResultRow>> ToListAsync(IAsyncEnumerable<StoredRow> rows, CancellationToken ct)
    {
        var list = new List<StoredRow>(8);
        await foreach (var row in rows.WithCancellation(ct)) list.Add(row);
        return Open(list);
    }

    /// <summary>
    /// The rows with their values opened, each bound to its column and row: every row repeats the candidate's columns,
    /// which are opened once.
    /// </summary>
    private List<ResultRow> Open(List<StoredRow> stored)
    {
        var rows = new List<ResultRow>(stored.Count);
        if (stored.Count == 0) return rows;
        var first = stored[0];
        var name = FieldEncryption.OpenString(protector, first.Name, NameBinding, first.CandidateRow);
        var idNumber = FieldEncryption.OpenString(protector, first.IdNumber, IdNumberBinding, first.CandidateRow);
        var email = first.Email is null ? null : FieldEncryption.OpenString(protector, first.Email, EmailBinding, first.CandidateRow);
        foreach (var r in stored)
        {
            rows.Add(new ResultRow(r.CandidateId, name, idNumber, email, r.RegistrationId, r.SessionId, r.QualificationId, r.ProvinceCode,
                r.TicketNumber, r.SubjectId,
                r.Score is null ? null : FieldEncryption.OpenDecimal(protector, r.Score, ScoreBinding, r.ScoreRow!.Value),
                r.Status, r.CertificateNumber, r.CertificateSessionId));
        }
        return rows;
    }

    private async ValueTask<bool> IsSqliteAsync(CancellationToken ct)
    {
        if (_isSqlite is { } known) return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _sqliteConnectionString = db.Database.IsSqlite() ? db.Database.GetConnectionString() : null;
        _isSqlite = _sqliteConnectionString is not null;
        return _isSqlite.Value;
    }

    private List<ResultRow> Run(Func<PreparedConnection, SqliteCommand> pick, Action<SqliteCommand> bind)
    {
        if (!_idle.TryTake(out var connection)) connection = new PreparedConnection(_sqliteConnectionString!, options.Value.SqliteMemoryMapBytes);
        var keep = false;
        try
        {
            var command = pick(connection);
            bind(command);
            var rows = new List<StoredRow>(8);
            // The reader is closed before the connection goes back: no read transaction outlives the query.
            using (var r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    rows.Add(new StoredRow(r.GetInt32(0), r.GetGuid(14), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                        r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetString(7), r.GetString(8),
                        r.IsDBNull(9) ? null : r.GetInt32(9),
                        r.IsDBNull(15) ? null : r.GetGuid(15),
                        r.IsDBNull(10) ? null : r.GetString(10),
                        r.IsDBNull(11) ? null : Enum.Parse<ScoreStatus>(r.GetString(11)), // stored as its name, like IdType
                        r.IsDBNull(12) ? null : r.GetString(12),
                        r.IsDBNull(13) ? null : r.GetInt32(13)));
                }
            }
            keep = true;
            return Open(rows);
        }
        finally
        {
            if (keep && _idle.Count < ConnectionsKept) _idle.Add(connection);
            else connection.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var connection)) connection.Dispose();
    }

    /// <summary>An open SQLite connection with the lookup statements prepared on it.</summary>
    private sealed class PreparedConnection : IDisposable
    {
        private readonly SqliteConnection _connection;

        public PreparedConnection(string connectionString, long memoryMapBytes)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            // Read pages through the memory map, as the EF connections do.
            SqliteConnectionSetup.Apply(_connection, memoryMapBytes);
            ById = Prepare(ByIdNumberSql, ("$type", SqliteType.Text), ("$index", SqliteType.Blob));
            ByTicket = Prepare(ByTicketSql, ("$session", SqliteType.Integer), ("$ticket", SqliteType.Text));
        }

        public SqliteCommand ById { get; }

        public SqliteCommand ByTicket { get; }

        private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, type) in parameters) command.Parameters.Add(name, type);
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            ById.Dispose();
            ByTicket.Dispose();
            _connection.Dispose();
        }
    }
}
