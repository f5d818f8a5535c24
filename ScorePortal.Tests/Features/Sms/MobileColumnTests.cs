using MiniExcelLibs;
using ScorePortal.Features.Batches;
using ScorePortal.Model;

namespace ScorePortal.Tests.Features.Sms;

/// <summary>The optional <c>mobile</c> column of the result import, in both file formats, its header matched like the others.</summary>
public sealed class MobileColumnTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoreportal-tests", "mobile-" + Guid.NewGuid().ToString("N"));

    public MobileColumnTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly int Mobile = Array.IndexOf(BatchFile.Columns, BatchFile.Mobile);

    private static async Task<List<BatchFile.Row>> ReadAsync(string path, BatchFile.Format format)
    {
        var rows = new List<BatchFile.Row>();
        await foreach (var row in BatchFile.ReadAsync(path, format, null, CancellationToken.None)) rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task A_workbook_with_an_upper_case_mobile_header_and_a_numeric_cell_gives_the_number()
    {
        var xlsx = Path.Combine(_directory, "results.xlsx");
        await MiniExcel.SaveAsAsync(xlsx, new[]
        {
            new Dictionary<string, object?>
            {
                ["ticket_no"] = "2026H1-11-900001", ["id_type"] = "resident", ["id_number"] = "110105199003072311", ["name"] = "张伟",
                ["province_code"] = "11", ["qualification_code"] = "S01", ["subject_code"] = "ZH", ["score"] = 50, ["status"] = "normal",
                ["email"] = null, ["MOBILE"] = 13800138000L,
            },
        });

        var row = Assert.Single(await ReadAsync(xlsx, BatchFile.Format.Xlsx));

        Assert.Equal("13800138000", row[Mobile]);
        Assert.Equal("+8613800138000", CandidateMobile.Normalize(row[Mobile]));
    }

    [Fact]
    public async Task A_file_without_the_mobile_column_is_read_with_no_mobile()
    {
        var csv = Path.Combine(_directory, "results.csv");
        await File.WriteAllTextAsync(csv,
            "ticket_no,id_type,id_number,name,province_code,qualification_code,subject_code,score,status,email\n" +
            "2026H1-11-900001,resident,110105199003072311,张伟,11,S01,ZH,50,normal,\n");

        var row = Assert.Single(await ReadAsync(csv, BatchFile.Format.Csv));

        Assert.Null(row[Mobile]);
        Assert.False(row.FieldCountMismatch);
    }
}
