namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>A qualification as the figures name it, with the rank of its level (junior 1, intermediate 2, senior 3).</summary>
public sealed record QualificationLabel(int Id, string Code, string NameZh, string NameEn, string LevelZh, string LevelEn, int LevelRank);

/// <summary>What one consenting employee's results say about one qualification their consent covers.</summary>
/// <param name="Sat">Sat at least one subject (a normal score) in a released sitting.</param>
/// <param name="Passed">Holds the qualification's certificate.</param>
/// <param name="PartialLapsesAfter">
/// Not passed, with subject passes that still count at the next sitting: the last sitting in which the first of them
/// counts. Null otherwise.
/// </param>
public sealed record QualificationFacts(int QualificationId, bool Sat, bool Passed, Sitting? PartialLapsesAfter);

/// <summary>One consenting employee on the roster: what the figures count. Never shown as such.</summary>
public sealed record PersonFacts(string Department, decimal? Performance, decimal? YearsOfService, IReadOnlyList<QualificationFacts> Qualifications);

public sealed record PassRateRow(string Department, QualificationLabel Qualification, Figure Sat, Figure Passed, RateFigure Rate);

public sealed record CertificateRow(QualificationLabel Qualification, Figure Holders);

public sealed record LapseRow(string Department, QualificationLabel Qualification, Sitting LapsesAfter, bool AtNextSitting, Figure People);

/// <summary>A years-of-service band: [From, To) years; To null for the open top band.</summary>
public sealed record ServiceBand(decimal From, decimal? To)
{
    public string Label => To is { } to ? $"{From:0.#}–{to:0.#}" : $"≥ {From:0.#}";

    public bool Contains(decimal years) => years >= From && (To is not { } to || years < to);

    /// <summary>&lt;2, 2–5, 5–10, ≥10 years.</summary>
    public static readonly IReadOnlyList<ServiceBand> All = [new(0, 2), new(2, 5), new(5, 10), new(10, null)];
}

public sealed record BandRow(ServiceBand Band, Figure Sat, Figure Passed, RateFigure Rate);

/// <summary>The talent model: shown only for the columns the roster carries.</summary>
/// <param name="Correlation">Highest certificate level against performance; null without a performance column.</param>
/// <param name="Bands">Pass rates by years of service; empty without a years-of-service column.</param>
public sealed record TalentFigures(CorrelationResult? Correlation, IReadOnlyList<BandRow> Bands);

/// <summary>Everything the figures page and its export show of one enterprise; every count already suppressed.</summary>
/// <param name="People">Consenting employees on the roster now (the upload already told this count).</param>
public sealed record FiguresView(
    int People,
    DateTimeOffset? UploadedAt,
    Sitting NextSitting,
    IReadOnlyList<PassRateRow> PassRates,
    IReadOnlyList<CertificateRow> Certificates,
    IReadOnlyList<LapseRow> Lapses,
    TalentFigures Talent)
{
    public static FiguresView Empty(Sitting next) => new(0, null, next, [], [], [], new TalentFigures(null, []));
}

/// <summary>
/// Turns per-person facts into the published tables: every count of fewer than five people becomes "&lt;5", every rate
/// derived from such a count too, and one complementary step keeps a "&lt;5" pass count from being recovered by
/// subtracting the other departments from the certificates table (docs/enterprise-figures.md). Pure.
/// </summary>
public static class FiguresBuilder
{
    public static FiguresView Build(IReadOnlyList<PersonFacts> people, IReadOnlyDictionary<int, QualificationLabel> qualifications,
        Sitting nextSitting, DateTimeOffset? uploadedAt, bool hasPerformance, bool hasYearsOfService)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(qualifications);

        var facts = people.SelectMany(p => p.Qualifications.Where(q => qualifications.ContainsKey(q.QualificationId)).Select(q => (Person: p, Fact: q))).ToList();

        var groups = facts.Where(f => f.Fact.Sat)
            .GroupBy(f => (f.Person.Department, f.Fact.QualificationId))
            .Select(g => (g.Key.Department, QualificationId: g.Key.QualificationId, Sat: g.Count(), Passed: g.Count(f => f.Fact.Passed)))
            .ToList();
        var holders = facts.Where(f => f.Fact.Passed).GroupBy(f => f.Fact.QualificationId).ToDictionary(g => g.Key, g => g.Count());

        var passRates = groups
            .OrderBy(g => g.Department, StringComparer.Ordinal).ThenBy(g => qualifications[g.QualificationId].Code, StringComparer.Ordinal)
            .Select(g => new PassRateRow(g.Department, qualifications[g.QualificationId], Figure.Of(g.Sat),
                g.Sat < Figure.MinimumPeople ? Figure.Small : Figure.Of(g.Passed), RateFigure.Of(g.Passed, g.Sat)))
            .ToList();

        var certificates = holders
            .Select(h => new CertificateRow(qualifications[h.Key], Holders(h.Key, h.Value, groups)))
            .OrderByDescending(c => c.Qualification.LevelRank).ThenBy(c => c.Qualification.Code, StringComparer.Ordinal)
            .ToList();

        var lapses = facts.Where(f => f.Fact.PartialLapsesAfter is not null)
            .GroupBy(f => (f.Person.Department, f.Fact.QualificationId, LapsesAfter: f.Fact.PartialLapsesAfter!.Value))
            .Select(g => new LapseRow(g.Key.Department, qualifications[g.Key.QualificationId], g.Key.LapsesAfter,
                g.Key.LapsesAfter == nextSitting, Figure.Of(g.Count())))
            .OrderBy(r => r.LapsesAfter).ThenBy(r => r.Department, StringComparer.Ordinal).ThenBy(r => r.Qualification.Code, StringComparer.Ordinal)
            .ToList();

        return new FiguresView(people.Count, uploadedAt, nextSitting, passRates, certificates, lapses,
            new TalentFigures(hasPerformance ? Correlation(people, qualifications) : null, hasYearsOfService ? Bands(people, qualifications) : []));
    }

    /// <summary>
    /// The holders of a qualification are the sum of its departments' pass counts. When exactly one department's count
    /// is "&lt;5" and others are shown, the total would give it away: the total is hidden instead.
    /// </summary>
    private static Figure Holders(int qualificationId, int count,
        List<(string Department, int QualificationId, int Sat, int Passed)> groups)
    {
        var departments = groups.Where(g => g.QualificationId == qualificationId).ToList();
        var small = departments.Count(g => g.Sat < Figure.MinimumPeople || g.Passed < Figure.MinimumPeople);
        var figure = Figure.Of(count);
        return figure.State == FigureState.Shown && small == 1 && departments.Count > 1 ? Figure.Hidden : figure;
    }

    /// <summary>
    /// The level rank of the highest certificate each person holds among their consented qualifications (0 for none)
    /// against their performance, over the people with a performance score.
    /// </summary>
    private static CorrelationResult Correlation(IReadOnlyList<PersonFacts> people, IReadOnlyDictionary<int, QualificationLabel> qualifications)
    {
        var withPerformance = people.Where(p => p.Performance is not null).ToList();
        var levels = withPerformance.Select(p => (double)HighestLevel(p, qualifications)).ToList();
        var performance = withPerformance.Select(p => (double)p.Performance!.Value).ToList();
        return RankCorrelation.Test(levels, performance);
    }

    public static int HighestLevel(PersonFacts person, IReadOnlyDictionary<int, QualificationLabel> qualifications)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(qualifications);
        return person.Qualifications.Where(q => q.Passed && qualifications.ContainsKey(q.QualificationId))
            .Select(q => qualifications[q.QualificationId].LevelRank).DefaultIfEmpty(0).Max();
    }

    /// <summary>Per band: people who sat any consented qualification, and of them those holding at least one certificate.</summary>
    private static List<BandRow> Bands(IReadOnlyList<PersonFacts> people, IReadOnlyDictionary<int, QualificationLabel> qualifications)
    {
        var rows = new List<BandRow>();
        foreach (var band in ServiceBand.All)
        {
            var inBand = people.Where(p => p.YearsOfService is { } y && band.Contains(y)).ToList();
            var sat = inBand.Count(p => p.Qualifications.Any(q => q.Sat && qualifications.ContainsKey(q.QualificationId)));
            var passed = inBand.Count(p => p.Qualifications.Any(q => q.Passed && qualifications.ContainsKey(q.QualificationId)));
            rows.Add(new BandRow(band, Figure.Of(sat), sat < Figure.MinimumPeople ? Figure.Small : Figure.Of(passed), RateFigure.Of(passed, sat)));
        }
        return rows;
    }
}
