using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Localization;
using ScorePortal.Localization;

namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>
/// The export of the figures page: the same tables, the same suppression ("&lt;5", "—"), one section after another,
/// each with a title line and its header. UTF-8 with BOM so Excel reads the Chinese names; formula-looking cells
/// (a department named "=SUM(…)") are escaped.
/// </summary>
public static class FiguresCsv
{
    public static byte[] Write(FiguresView view, IStringLocalizer t)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(t);
        using var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.Preamble);
        using (var writer = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape, ValidateFieldCount = false }, leaveOpen: true))
        {
            writer.WriteRecord([t["EnterpriseFigures.Title"].Value, t["EnterpriseFigures.Export.People", view.People].Value]);
            writer.WriteRecord([t["EnterpriseFigures.Legend"].Value]);

            Section(writer, t["EnterpriseFigures.PassRates"].Value,
                [t["EnterpriseFigures.Department"].Value, t["EnterpriseFigures.QualificationCode"].Value, t["EnterpriseFigures.Qualification"].Value,
                 t["EnterpriseFigures.Sat"].Value, t["EnterpriseFigures.Passed"].Value, t["EnterpriseFigures.Rate"].Value]);
            foreach (var r in view.PassRates)
                writer.WriteRecord([r.Department, r.Qualification.Code, Name(r.Qualification), r.Sat.CsvText(), r.Passed.CsvText(), r.Rate.CsvText()]);

            Section(writer, t["EnterpriseFigures.Certificates"].Value,
                [t["EnterpriseFigures.Level"].Value, t["EnterpriseFigures.QualificationCode"].Value, t["EnterpriseFigures.Qualification"].Value,
                 t["EnterpriseFigures.Holders"].Value]);
            foreach (var c in view.Certificates)
                writer.WriteRecord([Level(c.Qualification), c.Qualification.Code, Name(c.Qualification), c.Holders.CsvText()]);

            Section(writer, t["EnterpriseFigures.Lapses"].Value,
                [t["EnterpriseFigures.Department"].Value, t["EnterpriseFigures.QualificationCode"].Value, t["EnterpriseFigures.Qualification"].Value,
                 t["EnterpriseFigures.LapsesAfter"].Value, t["EnterpriseFigures.People"].Value]);
            foreach (var l in view.Lapses)
                writer.WriteRecord([l.Department, l.Qualification.Code, Name(l.Qualification), SittingName(l.LapsesAfter, t), l.People.CsvText()]);

            if (view.Talent.Correlation is { } correlation)
            {
                Section(writer, t["EnterpriseFigures.Talent.Correlation"].Value,
                    [t["EnterpriseFigures.Talent.N"].Value, t["EnterpriseFigures.Talent.Rho"].Value, t["EnterpriseFigures.Talent.P"].Value,
                     t["EnterpriseFigures.Talent.Conclusion"].Value]);
                writer.WriteRecord([
                    correlation.N.ToString(CultureInfo.InvariantCulture),
                    correlation.R is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "",
                    correlation.P is { } p ? p.ToString("0.0000", CultureInfo.InvariantCulture) : "",
                    Conclusion(correlation, t),
                ]);
            }

            if (view.Talent.Bands.Count > 0)
            {
                Section(writer, t["EnterpriseFigures.Talent.Bands"].Value,
                    [t["EnterpriseFigures.Talent.Years"].Value, t["EnterpriseFigures.Sat"].Value, t["EnterpriseFigures.Passed"].Value,
                     t["EnterpriseFigures.Rate"].Value]);
                foreach (var b in view.Talent.Bands)
                    writer.WriteRecord([b.Band.Label, b.Sat.CsvText(), b.Passed.CsvText(), b.Rate.CsvText()]);
            }
            writer.Flush();
        }
        return stream.ToArray();
    }

    /// <summary>The one wording the figures use: "too few people (n = …)", "significant at 0.05" or "not significant at 0.05".</summary>
    public static string Conclusion(CorrelationResult correlation, IStringLocalizer t)
    {
        ArgumentNullException.ThrowIfNull(correlation);
        ArgumentNullException.ThrowIfNull(t);
        if (correlation.TooFew) return t["EnterpriseFigures.Talent.TooFew", correlation.N].Value;
        if (correlation.NoVariation) return t["EnterpriseFigures.Talent.NoVariation"].Value;
        return correlation.Significant ? t["EnterpriseFigures.Talent.Significant"].Value : t["EnterpriseFigures.Talent.NotSignificant"].Value;
    }

    public static string SittingName(Sitting sitting, IStringLocalizer t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t["EnterpriseFigures.Sitting." + sitting.Half, sitting.Year.ToString(CultureInfo.InvariantCulture)].Value;
    }

    public static string Name(QualificationLabel q)
    {
        ArgumentNullException.ThrowIfNull(q);
        return PortalFormat.Name(q.NameZh, q.NameEn);
    }

    public static string Level(QualificationLabel q)
    {
        ArgumentNullException.ThrowIfNull(q);
        return PortalFormat.Name(q.LevelZh, q.LevelEn);
    }

    private static void Section(CsvWriter writer, string title, string[] header)
    {
        writer.WriteRecord([""]);
        writer.WriteRecord([title]);
        writer.WriteRecord(header);
    }
}
