namespace ScorePortal.Features.Privacy;

/// <summary>
/// One figure of the yearly report: its section, its key (the label is the resource
/// <c>DataSecurity.Figure.{Section}.{Key}</c>) and the count. Never anything about a person.
/// </summary>
public sealed record DataSecurityFigure(string Section, string Key, long Value);

/// <summary>
/// The figures of one year, and what they cover: <see cref="From"/> to <see cref="To"/> (the end of the year, or the
/// moment of counting for the current year), with <see cref="ArchivedEntries"/> audit entries read from the signed
/// archives besides the live table. <see cref="ArchivesUnreadable"/> archives could not be read: then the audit
/// figures are a lower bound, which the page says.
/// </summary>
public sealed record DataSecurityFigures(int Year, DateTimeOffset From, DateTimeOffset To, DateTimeOffset CountedAt,
    long LiveEntries, long ArchivedEntries, int ArchivesUnreadable, IReadOnlyList<DataSecurityFigure> Figures)
{
    /// <summary>The sections in the order the page and the PDF show them.</summary>
    public static readonly IReadOnlyList<string> Sections = ["lookups", "protection", "alerts", "enterprise", "rights", "security", "retention"];

    public long this[string section, string key] => Figures.FirstOrDefault(f => f.Section == section && f.Key == key)?.Value ?? 0;
}
