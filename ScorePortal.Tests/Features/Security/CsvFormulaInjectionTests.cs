using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using ScorePortal.Features.Analytics;
using ScorePortal.Features.Batches;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Security;

/// <summary>
/// A spreadsheet runs a cell that starts with = + - @ (or a tab or CR before one) as a formula. Every CSV the portal
/// writes puts an apostrophe in front of such a text cell, so Excel shows it as text.
/// </summary>
public sealed class CsvFormulaInjectionTests
{
    public static readonly TheoryData<string> Formulas = new()
    {
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    };

    [Theory]
    [MemberData(nameof(Formulas))]
    public void The_analytics_export_escapes_catalog_names_that_start_like_a_formula(string hostile)
    {
        var session = new AnalyticsCatalog.SessionItem(1, "2026H1", "2026 上半年", "2026 H1");
        var catalog = new AnalyticsCatalog(
            [session],
            new Dictionary<int, AnalyticsCatalog.QualificationItem> { [7] = new(7, "S01", "SENIOR", hostile, "Senior") },
            new Dictionary<int, AnalyticsCatalog.SubjectItem>(),
            new Dictionary<string, AnalyticsCatalog.ProvinceItem> { ["11"] = new("11", hostile, "Beijing") },
            []);
        var figures = new SessionFigures(1, [new GroupFigures(7, "11", 10, 9, 1, 0, 4)], [], new Dictionary<int, int>());

        var bytes = AnalyticsCsv.Write(catalog, session, figures, new AnalyticsFilter(session.Code, null, null, null));

        var cells = Cells(Encoding.UTF8.GetString(bytes[3..]));
        Assert.Equal(2, cells.Count);
        var row = cells[1];
        Assert.Equal("'" + hostile, row[3]); // qualification_name
        Assert.Equal("'" + hostile, row[5]); // province_name
        Assert.Equal("10", row[6]); // numbers stay numbers
        Assert.All(cells.SelectMany(r => r), AssertNoFormula);
    }

    [Theory]
    [MemberData(nameof(Formulas))]
    public async Task The_import_report_escapes_cells_that_start_like_a_formula(string hostile)
    {
        await using var portal = new PortalFactory();
        var files = portal.Services.GetRequiredService<ImportFiles>();
        var localizer = portal.Services.GetRequiredService<IStringLocalizer<SharedResource>>();

        // A column and a message that start like a formula (a message is a resource text; a missing one is its key).
        var id = await files.WriteReportAsync([new ImportError(2, hostile, hostile)], localizer, CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(files.ReportPath(id)!);
        var cells = Cells(Encoding.UTF8.GetString(bytes[3..]));
        Assert.Equal(["2", "'" + hostile, "'" + hostile], cells[1]);
        Assert.All(cells.SelectMany(r => r), AssertNoFormula);
    }

    private static void AssertNoFormula(string cell)
    {
        if (cell.Length > 0) Assert.DoesNotContain(cell[0], "=+-@\t\r");
    }

    /// <summary>A minimal RFC 4180 reader: what a spreadsheet sees in each cell.</summary>
    private static List<List<string>> Cells(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n') i++;
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
