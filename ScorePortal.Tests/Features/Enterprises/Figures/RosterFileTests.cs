using System.Text;
using ScorePortal.Features.Enterprises.Figures;

namespace ScorePortal.Tests.Features.Enterprises.Figures;

public sealed class RosterFileTests
{
    private static readonly Encoding Gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;

    private static RosterRead Read(string text, Encoding? encoding = null, bool bom = false, int maxRows = 20_000)
    {
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(text);
        if (bom) bytes = [.. Encoding.UTF8.Preamble, .. bytes];
        return RosterFile.Read(bytes, maxRows);
    }

    private static IReadOnlyList<RosterRow> Rows(RosterRead read) =>
        Assert.IsType<RosterRead.Rows>(read).Items;

    [Fact]
    public void A_utf8_file_with_bom_is_read_and_ids_are_normalized()
    {
        var rows = Rows(Read("employee_id,department,performance,years_of_service\nｅ２０２３００１ ,研发　中心 ,88.5,6\nE2023002,财务部,,1.5\n", bom: true));

        Assert.Equal(2, rows.Count);
        Assert.Equal(new RosterRow(2, "E2023001", "研发 中心", 88.5m, 6m), rows[0]);
        Assert.Equal(new RosterRow(3, "E2023002", "财务部", null, 1.5m), rows[1]);
    }

    [Fact]
    public void A_utf8_file_without_bom_in_another_column_order_and_without_the_optional_columns_is_read()
    {
        var rows = Rows(Read("Department,Employee_ID\r\n市场部,M-01\r\n\r\n市场部,m-02\r\n"));

        Assert.Equal(["M-01", "M-02"], rows.Select(r => r.EmployeeId));
        Assert.All(rows, r => Assert.Equal("市场部", r.Department));
        Assert.All(rows, r => Assert.Null(r.Performance));
    }

    [Fact]
    public void A_gbk_file_as_excel_saves_it_in_china_is_read_as_gb18030()
    {
        var text = "employee_id,department\nE1,研发中心\nE2,人力资源部\n";
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(Gb18030.GetBytes(text)));

        var rows = Rows(Read(text, Gb18030));

        Assert.Equal(["研发中心", "人力资源部"], rows.Select(r => r.Department));
    }

    [Fact]
    public void Bytes_that_are_neither_utf8_nor_gb18030_are_refused_with_a_hint_to_save_as_utf8()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("employee_id,department\nE1,"), 0xFF, 0xFF, 0x0A];

        var read = Assert.IsType<RosterRead.Unreadable>(RosterFile.Read(bytes, 100));

        Assert.Equal("EnterpriseFigures.File.Encoding", read.Key);
    }

    [Fact]
    public void Every_bad_row_is_listed_with_its_line_and_column()
    {
        var read = Assert.IsType<RosterRead.RowErrors>(Read("""
            employee_id,department,performance,years_of_service
            E1,研发,90,3
            E2,,85,2
            E1,财务,70,1
            E#3,财务,70,1
            E4,财务,abc,1
            E5,财务,70,-1
            ,财务,70,1
            E6,财务,70.125,1
            E7,财务,70,2.25
            """.Replace("\r\n", "\n")));

        Assert.Equal(9, read.RowCount);
        Assert.Equal(8, read.ErrorCount);
        Assert.Equal(
        [
            (3, "department", "EnterpriseFigures.Row.Required"),
            (4, "employee_id", "EnterpriseFigures.Row.Duplicate"),
            (5, "employee_id", "EnterpriseFigures.Row.EmployeeId"),
            (6, "performance", "EnterpriseFigures.Row.Number"),
            (7, "years_of_service", "EnterpriseFigures.Row.Range"),
            (8, "employee_id", "EnterpriseFigures.Row.Required"),
            (9, "performance", "EnterpriseFigures.Row.Range"),
            (10, "years_of_service", "EnterpriseFigures.Row.Range"),
        ], read.Errors.Select(e => (e.Line, e.Column, e.Key)));
        Assert.Equal([2], read.Errors.Single(e => e.Key == "EnterpriseFigures.Row.Duplicate").Args);
    }

    [Fact]
    public void A_duplicate_is_found_after_normalization()
    {
        var read = Assert.IsType<RosterRead.RowErrors>(Read("employee_id,department\nE2023001,A\ne2023001,B\n"));

        var error = Assert.Single(read.Errors);
        Assert.Equal((3, "EnterpriseFigures.Row.Duplicate"), (error.Line, error.Key));
    }

    [Fact]
    public void A_missing_required_column_refuses_the_file()
    {
        var read = Assert.IsType<RosterRead.Unreadable>(Read("employee_id,performance\nE1,80\n"));

        Assert.Equal("EnterpriseFigures.File.MissingColumns", read.Key);
        Assert.Equal(["department"], read.Args);
    }

    [Fact]
    public void Too_many_rows_refuse_the_file_before_any_row_is_checked()
    {
        var text = "employee_id,department\n" + string.Concat(Enumerable.Range(1, 11).Select(i => $"E{i},A\n"));

        var read = Assert.IsType<RosterRead.Unreadable>(Read(text, maxRows: 10));

        Assert.Equal("EnterpriseFigures.File.TooManyRows", read.Key);
        Assert.Equal([10], read.Args);
        Assert.IsType<RosterRead.Rows>(Read(text, maxRows: 11));
    }

    [Fact]
    public void A_header_alone_or_nothing_at_all_is_refused()
    {
        Assert.Equal("EnterpriseFigures.File.NoRows", Assert.IsType<RosterRead.Unreadable>(Read("employee_id,department\n")).Key);
        Assert.Equal("EnterpriseFigures.File.Empty", Assert.IsType<RosterRead.Unreadable>(Read("", bom: true)).Key);
    }

    [Fact]
    public void An_unclosed_quote_is_a_malformed_line_not_a_huge_field()
    {
        var read = Assert.IsType<RosterRead.Unreadable>(Read("employee_id,department\nE1,\"研发\nE2,财务\n"));

        Assert.Equal("EnterpriseFigures.File.MalformedAt", read.Key);
    }

    [Fact]
    public void Only_the_first_hundred_errors_are_listed_but_all_are_counted()
    {
        var text = "employee_id,department\n" + string.Concat(Enumerable.Range(1, 150).Select(i => $"E{i},\n"));

        var read = Assert.IsType<RosterRead.RowErrors>(Read(text));

        Assert.Equal(150, read.ErrorCount);
        Assert.Equal(RosterFile.MaxListedErrors, read.Errors.Count);
    }

    [Fact]
    public void The_template_is_a_valid_roster()
    {
        var rows = Rows(RosterFile.Read(Encoding.UTF8.GetBytes(RosterFile.TemplateCsv()), 100));

        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Performance is null);
    }
}
