using System.Buffers.Binary;
using Microsoft.EntityFrameworkCore;
using ScorePortal.Data;
using ScorePortal.Model;
using ScorePortal.Security;

namespace ScorePortal.Features.Batches;

/// <summary>The blind index as a value key: 32 bytes, compared and hashed without allocations.</summary>
internal readonly record struct PersonKey(UInt128 High, UInt128 Low)
{
    public static PersonKey From(byte[] index) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(index.AsSpan(0, 16)), BinaryPrimitives.ReadUInt128BigEndian(index.AsSpan(16, 16)));
}

/// <summary>First pass: every check, nothing stored.</summary>
internal sealed class ImportCheck(ScorePortalDbContext db, BlindIndex blindIndex, ImportCatalog catalog, int sessionId)
{
    private sealed class Ticket(string number, int line, PersonKey person, string province, ImportCatalog.QualificationInfo qualification)
    {
        public string Number { get; } = number;
        public int Line { get; } = line;
        public PersonKey Person { get; } = person;
        public string Province { get; } = province;
        public ImportCatalog.QualificationInfo Qualification { get; } = qualification;
        public int Sitting, Absent, Voided, Passed;
        public int[] SubjectLines { get; } = new int[qualification.Subjects.Count];
    }

    // Per person only what later rows are compared with; the name and blind index wait in _newPeople for the database check.
    private sealed record Person(int Line, int NameHash, string Ticket);

    private sealed record PendingPerson(Person Person, string Name, byte[] Index);

    private readonly Dictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);
    private readonly Dictionary<PersonKey, Person> _people = [];
    private readonly List<PendingPerson> _newPeople = [];
    private readonly List<Ticket> _newTickets = [];
    private readonly List<ImportError> _rowErrors = [];

    public List<ImportError> Errors { get; } = [];
    public int ErrorCount { get; private set; }
    public int Rows { get; private set; }

    public async Task AddAsync(BatchFile.Row raw, CancellationToken ct)
    {
        Rows++;
        _rowErrors.Clear();
        var row = ImportRow.Parse(raw, catalog, _rowErrors);
        if (row is not null) Check(row);
        foreach (var e in _rowErrors) Report(e);
        if (_newPeople.Count >= ImportBatch.Chunk || _newTickets.Count >= ImportBatch.Chunk) await FlushAsync(ct);
    }

    private void Check(ImportRow row)
    {
        var index = blindIndex.Compute(row.IdType, row.IdNumber);
        var key = PersonKey.From(index);
        if (_people.TryGetValue(key, out var person))
        {
            if (person.NameHash != row.Name.GetHashCode(StringComparison.OrdinalIgnoreCase))
                _rowErrors.Add(new ImportError(row.Line, BatchFile.Name, "Batches.Row.NameConflict", person.Line));
            else if (person.Ticket != row.Ticket)
                _rowErrors.Add(new ImportError(row.Line, BatchFile.TicketNo, "Batches.Row.SecondTicket", person.Line));
        }
        else
        {
            _people[key] = person = new Person(row.Line, row.Name.GetHashCode(StringComparison.OrdinalIgnoreCase), row.Ticket);
            _newPeople.Add(new PendingPerson(person, row.Name, index));
        }

        if (_tickets.TryGetValue(row.Ticket, out var ticket))
        {
            if (ticket.Person != key)
                _rowErrors.Add(new ImportError(row.Line, BatchFile.IdNumber, "Batches.Row.TicketOtherPerson", ticket.Line));
            else if (ticket.Province != row.Province)
                _rowErrors.Add(new ImportError(row.Line, BatchFile.ProvinceCode, "Batches.Row.ProvinceMismatch", ticket.Line, ticket.Province));
            else if (ticket.Qualification != row.Qualification)
                _rowErrors.Add(new ImportError(row.Line, BatchFile.QualificationCode, "Batches.Row.QualificationMismatch", ticket.Line, ticket.Qualification.Code));
        }
        else if (_rowErrors.Count == 0)
        {
            _tickets[row.Ticket] = ticket = new Ticket(row.Ticket, row.Line, key, row.Province, row.Qualification);
            _newTickets.Add(ticket);
        }
        if (_rowErrors.Count > 0 || ticket is null) return;

        var bit = 1 << row.Subject.Bit;
        if ((ticket.Sitting & bit) != 0)
        {
            _rowErrors.Add(new ImportError(row.Line, BatchFile.SubjectCode, "Batches.Row.Duplicate", ticket.SubjectLines[row.Subject.Bit]));
            return;
        }
        ticket.Sitting |= bit;
        ticket.SubjectLines[row.Subject.Bit] = row.Line;
        if (row.Status == ScoreStatus.Absent) ticket.Absent |= bit;
        if (row.Status == ScoreStatus.Voided) ticket.Voided |= bit;
        if (row.Passed) ticket.Passed |= bit;
    }

    private void Report(ImportError error)
    {
        ErrorCount++;
        if (Errors.Count < ImportBatch.MaxListedErrors) Errors.Add(error);
    }

    /// <summary>Checks the people and tickets seen since the last flush against what is already stored.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_newPeople.Count > 0)
        {
            var indexes = _newPeople.Select(p => p.Index).ToList();
            var known = await db.Candidates.AsNoTracking()
                .Where(c => EF.Constant(indexes).Contains(c.IdNumberIndex))
                .Select(c => new
                {
                    c.IdNumberIndex, c.Name,
                    Ticket = c.Registrations.Where(r => r.ExamSessionId == sessionId).Select(r => r.TicketNumber).FirstOrDefault(),
                })
                .ToListAsync(ct);
            var pending = _newPeople.ToDictionary(p => PersonKey.From(p.Index));
            foreach (var c in known)
            {
                var (person, name, _) = pending[PersonKey.From(c.IdNumberIndex)];
                if (!NameNormalizer.Matches(name, c.Name))
                    Report(new ImportError(person.Line, BatchFile.Name, "Batches.Row.NameConflictStored"));
                else if (c.Ticket is not null && c.Ticket != person.Ticket)
                    Report(new ImportError(person.Line, BatchFile.TicketNo, "Batches.Row.SecondTicketStored", c.Ticket));
            }
            _newPeople.Clear();
        }

        if (_newTickets.Count > 0)
        {
            var numbers = _newTickets.Select(t => t.Number).ToList();
            var known = await db.Registrations.AsNoTracking()
                .Where(r => r.ExamSessionId == sessionId && EF.Constant(numbers).Contains(r.TicketNumber))
                .Select(r => new { r.TicketNumber, r.ProvinceCode, r.QualificationId, r.Candidate.IdNumberIndex })
                .ToListAsync(ct);
            foreach (var r in known)
            {
                var ticket = _tickets[r.TicketNumber];
                if (PersonKey.From(r.IdNumberIndex) != ticket.Person)
                    Report(new ImportError(ticket.Line, BatchFile.IdNumber, "Batches.Row.TicketOtherPersonStored"));
                else if (r.ProvinceCode != ticket.Province)
                    Report(new ImportError(ticket.Line, BatchFile.ProvinceCode, "Batches.Row.ProvinceMismatchStored", r.ProvinceCode));
                else if (r.QualificationId != ticket.Qualification.Id)
                    Report(new ImportError(ticket.Line, BatchFile.QualificationCode, "Batches.Row.QualificationMismatchStored"));
            }
            _newTickets.Clear();
        }
    }

    public BatchSummary Summary()
    {
        var builder = new BatchSummaryBuilder();
        foreach (var t in _tickets.Values) builder.Add(t.Qualification, t.Province, t.Sitting, t.Absent, t.Voided, t.Passed);
        return builder.Build(Rows, _people.Count);
    }
}
