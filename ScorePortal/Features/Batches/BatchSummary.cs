using System.Text.Json;
using ScorePortal.Model;

namespace ScorePortal.Features.Batches;

/// <summary>
/// The preview of a batch: counts and pass rates per qualification and province, per subject. Computed from the
/// file at import and stored with the batch (<see cref="ResultBatch.SummaryJson"/>), so the approver sees exactly
/// what was checked.
/// </summary>
public sealed record BatchSummary(int Rows, int Registrations, int Candidates, IReadOnlyList<BatchSummary.Group> Groups)
{
    public static readonly BatchSummary Empty = new(0, 0, 0, []);

    /// <param name="Sat">Registrations with at least one subject not absent.</param>
    /// <param name="Absent">Registrations absent from every subject in the file.</param>
    /// <param name="Passed">Registrations that passed every subject of the qualification in this sitting.</param>
    public sealed record Group(string Qualification, string Province, int Registrations, int Sat, int Absent, int Voided, int Passed,
        IReadOnlyList<SubjectFigures> Subjects)
    {
        public double PassRate => Sat == 0 ? 0 : (double)Passed / Sat;
    }

    public sealed record SubjectFigures(string Subject, int Sat, int Passed);

    /// <summary>A total line per qualification (all provinces) or per province (all qualifications).</summary>
    public sealed record Total(string Key, int Registrations, int Sat, int Absent, int Passed)
    {
        public double PassRate => Sat == 0 ? 0 : (double)Passed / Sat;
    }

    public IReadOnlyList<Total> ByQualification() => Totals(g => g.Qualification);

    public IReadOnlyList<Total> ByProvince() => Totals(g => g.Province);

    private List<Total> Totals(Func<Group, string> key) => Groups.GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new Total(g.Key, g.Sum(x => x.Registrations), g.Sum(x => x.Sat), g.Sum(x => x.Absent), g.Sum(x => x.Passed)))
        .ToList();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BatchSummary FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json == "{}") return Empty;
        try
        {
            return JsonSerializer.Deserialize<BatchSummary>(json, Json) ?? Empty;
        }
        catch (JsonException)
        {
            return Empty;
        }
    }
}

/// <summary>Folds the registrations of a file, one at a time, into a <see cref="BatchSummary"/>.</summary>
internal sealed class BatchSummaryBuilder
{
    private sealed class Counts(ImportCatalog.QualificationInfo qualification)
    {
        public ImportCatalog.QualificationInfo Qualification { get; } = qualification;
        public int Registrations, Sat, Absent, Voided, Passed;
        public readonly int[] SubjectSat = new int[qualification.Subjects.Count];
        public readonly int[] SubjectPassed = new int[qualification.Subjects.Count];
    }

    private readonly Dictionary<(string Qualification, string Province), Counts> _groups = [];

    public void Add(ImportCatalog.QualificationInfo qualification, string province, int sittingMask, int absentMask, int voidedMask, int passMask)
    {
        if (!_groups.TryGetValue((qualification.Code, province), out var counts))
            _groups[(qualification.Code, province)] = counts = new Counts(qualification);
        counts.Registrations++;
        if (absentMask == sittingMask) counts.Absent++;
        else counts.Sat++;
        if (voidedMask != 0) counts.Voided++;
        if (passMask == qualification.AllSubjectsMask) counts.Passed++;
        for (var bit = 0; bit < counts.SubjectSat.Length; bit++)
        {
            var m = 1 << bit;
            if ((sittingMask & m) != 0 && (absentMask & m) == 0) counts.SubjectSat[bit]++;
            if ((passMask & m) != 0) counts.SubjectPassed[bit]++;
        }
    }

    public BatchSummary Build(int rows, int candidates) => new(
        rows,
        _groups.Values.Sum(g => g.Registrations),
        candidates,
        _groups.OrderBy(g => g.Key.Qualification, StringComparer.Ordinal).ThenBy(g => g.Key.Province, StringComparer.Ordinal)
            .Select(g => new BatchSummary.Group(g.Key.Qualification, g.Key.Province, g.Value.Registrations, g.Value.Sat, g.Value.Absent,
                g.Value.Voided, g.Value.Passed,
                g.Value.Qualification.Subjects.Values.OrderBy(s => s.Bit)
                    .Select(s => new BatchSummary.SubjectFigures(s.Code, g.Value.SubjectSat[s.Bit], g.Value.SubjectPassed[s.Bit])).ToList()))
            .ToList());
}
