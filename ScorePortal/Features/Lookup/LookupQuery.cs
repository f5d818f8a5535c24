using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Features.Candidates;
using ScorePortal.Features.Scores;
using ScorePortal.Security;

namespace ScorePortal.Features.Lookup;

/// <summary>
/// One row of a lookup's single query: the candidate, one of their registrations (any session), one current score of
/// it (or none) and the qualification's unrevoked certificate (or none). A candidate has a handful of rows.
/// </summary>
internal sealed record LookupRow(
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
public sealed class LookupQuery(IDbContextFactory<ScorePortalDbContext> dbFactory, Microsoft.Extensions.Options.IOptions<DatabaseOptions> options) : IDisposable
{
    private const int ConnectionsKept = 16;

    private const string Columns = """
        SELECT c."Id", c."Name", c."IdNumber", c."Email", r."Id", r."ExamSessionId", r."QualificationId", r."ProvinceCode",
            r."TicketNumber", s."SubjectId", s."Score", s."Status", q."CertificateNumber", q."PassedInSessionId"
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

    // The columns this query decrypts itself, bound as their EF converters bind them.
    private static readonly string NameBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Name));
    private static readonly string IdNumberBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.IdNumber));
    private static readonly string EmailBinding = FieldEncryption.Binding(typeof(Candidate), nameof(Candidate.Email));
    private static readonly string ScoreBinding = FieldEncryption.Binding(typeof(SubjectScore), nameof(SubjectScore.Score));

    private readonly ConcurrentBag<PreparedConnection> _idle = [];
    private string? _sqliteConnectionString;
    private bool? _isSqlite;

    private static readonly Func<ScorePortalDbContext, IdType, byte[], IAsyncEnumerable<LookupRow>> ByIdNumberQuery = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, IdType type, byte[] index) =>
            from c in db.Candidates
            where c.IdType == type && c.IdNumberIndex == index
            from r in db.Registrations.Where(r => r.CandidateId == c.Id)
            from s in db.SubjectScores.Where(s => s.RegistrationId == r.Id && s.IsCurrent).DefaultIfEmpty()
            from q in db.QualificationOutcomes.Where(q => q.CandidateId == c.Id && q.QualificationId == r.QualificationId && q.RevokedAt == null).DefaultIfEmpty()
            select new LookupRow(c.Id, c.Name, c.IdNumber, c.Email, r.Id, r.ExamSessionId, r.QualificationId, r.ProvinceCode, r.TicketNumber,
                (int?)s.SubjectId, s.Score, (ScoreStatus?)s.Status, q.CertificateNumber, (int?)q.PassedInSessionId));

    private static readonly Func<ScorePortalDbContext, int, string, IAsyncEnumerable<LookupRow>> ByTicketQuery = EF.CompileAsyncQuery(
        (ScorePortalDbContext db, int sessionId, string ticket) =>
            from t in db.Registrations
            where t.ExamSessionId == sessionId && t.TicketNumber == ticket
            from c in db.Candidates.Where(c => c.Id == t.CandidateId)
            from r in db.Registrations.Where(r => r.CandidateId == c.Id)
            from s in db.SubjectScores.Where(s => s.RegistrationId == r.Id && s.IsCurrent).DefaultIfEmpty()
            from q in db.QualificationOutcomes.Where(q => q.CandidateId == c.Id && q.QualificationId == r.QualificationId && q.RevokedAt == null).DefaultIfEmpty()
            select new LookupRow(c.Id, c.Name, c.IdNumber, c.Email, r.Id, r.ExamSessionId, r.QualificationId, r.ProvinceCode, r.TicketNumber,
                (int?)s.SubjectId, s.Score, (ScoreStatus?)s.Status, q.CertificateNumber, (int?)q.PassedInSessionId));

    /// <summary>The rows of the candidate holding this ID document; empty when there is none.</summary>
    internal async Task<List<LookupRow>> ByIdNumberAsync(IdType type, byte[] index, CancellationToken ct)
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
    internal async Task<List<LookupRow>> ByTicketAsync(int sessionId, string ticket, CancellationToken ct)
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
    internal async Task<List<LookupRow>> ByIdNumberThroughEfAsync(IdType type, byte[] index, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ToListAsync(ByIdNumberQuery(db, type, index), ct);
    }

    internal async Task<List<LookupRow>> ByTicketThroughEfAsync(int sessionId, string ticket, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ToListAsync(ByTicketQuery(db, sessionId, ticket), ct);
    }

    private static async Task<List<LookupRow>> ToListAsync(IAsyncEnumerable<LookupRow> rows, CancellationToken ct)
    {
        var list = new List<LookupRow>(8);
        await foreach (var row in rows.WithCancellation(ct)) list.Add(row);
        return list;
    }

    private async ValueTask<bool> IsSqliteAsync(CancellationToken ct)
    {
        if (_isSqlite is { } known) return known;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        _sqliteConnectionString = db.Database.IsSqlite() ? db.Database.GetConnectionString() : null;
        _isSqlite = _sqliteConnectionString is not null;
        return _isSqlite.Value;
    }

    private List<LookupRow> Run(Func<PreparedConnection, SqliteCommand> pick, Action<SqliteCommand> bind)
    {
        if (!_idle.TryTake(out var connection)) connection = new PreparedConnection(_sqliteConnectionString!, options.Value.SqliteMemoryMapBytes);
        var keep = false;
        try
        {
            var command = pick(connection);
            bind(command);
            var rows = new List<LookupRow>(8);
            // Every row repeats the candidate's columns: they are decrypted once.
            string? name = null, idNumber = null, email = null;
            // The reader is closed before the connection goes back: no read transaction outlives the query.
            using (var r = command.ExecuteReader())
            {
                while (r.Read())
                {
                    if (name is null)
                    {
                        name = FieldEncryption.DecryptString(r.GetString(1), NameBinding);
                        idNumber = FieldEncryption.DecryptString(r.GetString(2), IdNumberBinding);
                        email = r.IsDBNull(3) ? null : FieldEncryption.DecryptString(r.GetString(3), EmailBinding);
                    }
                    rows.Add(new LookupRow(r.GetInt32(0), name, idNumber!, email,
                        r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetString(7), r.GetString(8),
                        r.IsDBNull(9) ? null : r.GetInt32(9),
                        r.IsDBNull(10) ? null : FieldEncryption.DecryptDecimal(r.GetString(10), ScoreBinding),
                        r.IsDBNull(11) ? null : Enum.Parse<ScoreStatus>(r.GetString(11)), // stored as its name, like IdType
                        r.IsDBNull(12) ? null : r.GetString(12),
                        r.IsDBNull(13) ? null : r.GetInt32(13)));
                }
            }
            keep = true;
            return rows;
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
