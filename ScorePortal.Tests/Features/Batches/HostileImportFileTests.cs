using System.IO.Compression;
using System.Text;
using MiniExcelLibs;
using ScorePortal.Features.Batches;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>Files built to hurt: markup for names, a zip bomb, a giant cell. Each is refused and stores nothing.</summary>
public sealed class HostileImportFileTests
{
    [Fact]
    public async Task Names_that_are_markup_digits_or_emoji_are_refused_with_their_line_and_a_dotted_name_goes_in()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);

        var file = new ResultsFile();
        var dotted = file.Row(session + "-11-900001", "resident", ResultsFile.ResidentId(1), "买买提.艾力", "11", "S01", "ZH", "50");
        var script = file.Row(session + "-11-900002", "resident", ResultsFile.ResidentId(2), "<script>alert(1)</script>", "11", "S01", "ZH", "50");
        var digits = file.Row(session + "-11-900003", "resident", ResultsFile.ResidentId(3), "张伟2", "11", "S01", "ZH", "50");
        var emoji = file.Row(session + "-11-900004", "resident", ResultsFile.ResidentId(4), "张伟\U0001F600", "11", "S01", "ZH", "50");
        var formula = file.Row(session + "-11-900005", "resident", ResultsFile.ResidentId(5), "=HYPERLINK(\"http://evil.example\")", "11", "S01", "ZH", "50");
        var rare = file.Row(session + "-11-900006", "resident", ResultsFile.ResidentId(6), "杨\U00020BB7\uE000", "11", "S01", "ZH", "50");
        var path = await file.SaveAsync(portal.Directory);

        var outcome = Assert.IsType<ImportOutcome.Refused>(await ImportAsync(portal, session, path));

        var nameErrors = outcome.FirstErrors.Where(e => e.Column == BatchFile.Name).Select(e => (e.Line, e.Key)).ToList();
        Assert.Equal(
            [(script, "Lookup.Error.NameCharacter"), (digits, "Lookup.Error.NameCharacter"), (emoji, "Lookup.Error.NameCharacter"), (formula, "Lookup.Error.NameCharacter")],
            nameErrors);
        Assert.DoesNotContain(outcome.FirstErrors, e => e.Line == dotted || e.Line == rare);
        Assert.Equal(before, await CountAsync(portal));
    }

    [Fact]
    public async Task An_xlsx_zip_bomb_is_refused_before_it_is_inflated_and_nothing_is_stored()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var xlsx = await WorkbookAsync(portal, session, "张伟");

        // The sheet itself padded with 64 MB of white space before its end: valid XML a parser would plough
        // through, some 60 KB compressed (the same trick scales to terabytes).
        await PadSheetAsync(xlsx, 64 << 20);
        Assert.True(new FileInfo(xlsx).Length < 1_000_000);

        var refused = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, xlsx));
        Assert.Equal("Batches.File.TooLargeUnpacked", refused.Key);
        Assert.Equal(before, await CountAsync(portal));
    }

    [Fact]
    public async Task An_xlsx_part_that_inflates_beyond_its_declared_size_is_refused()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var xlsx = await WorkbookAsync(portal, session, "张伟");
        await PadSheetAsync(xlsx, 4 << 20);

        // The central directory now claims the sheet is small (below the ratio check), which is what a crafted bomb does.
        var bytes = await File.ReadAllBytesAsync(xlsx);
        var patched = 0;
        for (var i = bytes.Length - 46; i >= 0; i--)
        {
            if (bytes[i] != 0x50 || bytes[i + 1] != 0x4B || bytes[i + 2] != 0x01 || bytes[i + 3] != 0x02) continue;
            var nameLength = BitConverter.ToUInt16(bytes, i + 28);
            var name = Encoding.UTF8.GetString(bytes, i + 46, nameLength);
            if (!name.StartsWith("xl/worksheets/", StringComparison.Ordinal) || !name.EndsWith(".xml", StringComparison.Ordinal)) continue;
            BitConverter.GetBytes(1000u).CopyTo(bytes, i + 24);
            patched++;
        }
        Assert.Equal(1, patched);
        await File.WriteAllBytesAsync(xlsx, bytes);

        var refused = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, xlsx));
        Assert.Contains(refused.Key, new[] { "Batches.File.TooLargeUnpacked", "Batches.File.Unreadable" });
        Assert.Equal(before, await CountAsync(portal));
    }

    [Fact]
    public async Task A_cell_longer_than_any_field_is_refused_with_its_line_in_xlsx_and_csv()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);

        var xlsx = await WorkbookAsync(portal, session, new string('张', 100_000));
        var refused = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, xlsx));
        Assert.Equal("Batches.File.CellTooLong", refused.Key);
        Assert.Equal(2, refused.Args[0]);

        var file = new ResultsFile();
        file.Row(session + "-11-900001", "resident", ResultsFile.ResidentId(1), "张伟", "11", "S01", "ZH", "50");
        var longLine = file.Row(session + "-11-900002", "resident", ResultsFile.ResidentId(2), new string('x', 20_000), "11", "S01", "ZH", "50");
        var csv = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, await file.SaveAsync(portal.Directory)));
        Assert.Equal(("Batches.File.CellTooLong", longLine), (csv.Key, (int)csv.Args[0]));
        Assert.Equal(before, await CountAsync(portal));
    }

    private static async Task<string> WorkbookAsync(PortalFactory portal, string session, string name)
    {
        var xlsx = Path.Combine(portal.Directory, Guid.NewGuid().ToString("N") + ".xlsx");
        var rows = new[] { "ZH", "AL", "LW" }.Select(subject => new Dictionary<string, object?>
        {
            ["ticket_no"] = session + "-11-900001", ["id_type"] = "resident", ["id_number"] = ResultsFile.ResidentId(1),
            ["name"] = name, ["province_code"] = "11", ["qualification_code"] = "S01", ["subject_code"] = subject,
            ["score"] = 50, ["status"] = "normal", ["email"] = null,
        });
        await MiniExcel.SaveAsAsync(xlsx, rows);
        return xlsx;
    }

    /// <summary>Rewrites the workbook's sheet with <paramref name="padding"/> spaces before its end, streamed.</summary>
    private static async Task PadSheetAsync(string xlsx, int padding)
    {
        using var zip = ZipFile.Open(xlsx, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal));
        string sheet;
        using (var reader = new StreamReader(entry.Open())) sheet = await reader.ReadToEndAsync();
        var name = entry.FullName;
        entry.Delete();
        var end = sheet.LastIndexOf("</", sheet.LastIndexOf("sheetData>", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(end > 0);
        var replaced = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var writer = new StreamWriter(replaced.Open(), new UTF8Encoding(false));
        await writer.WriteAsync(sheet[..end]);
        var spaces = new string(' ', 1 << 16);
        for (var written = 0; written < padding; written += spaces.Length) await writer.WriteAsync(spaces);
        await writer.WriteAsync(sheet[end..]);
    }
}
