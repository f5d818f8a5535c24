using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using ScorePortal.Features.Batches;
using ScorePortal.Model;
using ScorePortal.Platform.Audit;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

public sealed class ImportBatchTests
{
    [Fact]
    public async Task A_file_with_every_kind_of_bad_row_is_refused_line_by_line_and_stores_nothing()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);

        var file = new ResultsFile();
        var a = ResultsFile.ResidentId(1);
        var t = session + "-11-900001";
        var good = file.Row(t, "resident", a, "王小明", "11", "S01", "ZH", "50");
        file.Row(t, "resident", a, "王小明", "11", "S01", "AL", "44");
        var badCheckDigit = file.Row(session + "-11-900002", "resident", a[..17] + (a[17] == '0' ? '1' : '0'), "李雷", "11", "S01", "ZH", "50");
        var unknownQualification = file.Row(session + "-11-900003", "resident", ResultsFile.ResidentId(3), "韩梅梅", "11", "X99", "ZH", "50");
        var unknownSubject = file.Row(session + "-11-900004", "resident", ResultsFile.ResidentId(4), "赵四", "11", "S01", "QQ", "50");
        var outOfRange = file.Row(session + "-11-900005", "resident", ResultsFile.ResidentId(5), "钱五", "11", "S01", "ZH", "80");
        var wrongPrecision = file.Row(session + "-11-900006", "resident", ResultsFile.ResidentId(6), "孙六", "11", "S01", "ZH", "45.25");
        var duplicate = file.Row(t, "resident", a, "王小明", "11", "S01", "ZH", "50");
        var conflictingName = file.Row(t, "resident", a, "王晓明", "11", "S01", "LW", "50");
        var provinceMismatch = file.Row(t, "resident", a, "王小明", "31", "S01", "LW", "50");
        var otherPerson = file.Row(t, "resident", ResultsFile.ResidentId(7), "周七", "11", "S01", "LW", "50");
        var passportWithoutEmail = file.Row(session + "-11-900008", "passport", "E1234567", "Maria Lopez", "11", "S01", "ZH", "50");
        var absentWithScore = file.Row(session + "-11-900009", "resident", ResultsFile.ResidentId(9), "吴九", "11", "S01", "ZH", "50", "absent");
        var badStatus = file.Row(session + "-11-900010", "resident", ResultsFile.ResidentId(10), "郑十", "11", "S01", "ZH", "50", "sick");
        var unknownProvince = file.Row(session + "-11-900011", "resident", ResultsFile.ResidentId(11), "冯十一", "99", "S01", "ZH", "50");
        var storedNameConflict = file.Row(session + "-11-900012", "resident", "110105199003072311", "李雷", "11", "S01", "ZH", "50");
        var path = await file.SaveAsync(portal.Directory);

        var outcome = Assert.IsType<ImportOutcome.Refused>(await ImportAsync(portal, session, path));

        var found = outcome.FirstErrors.Select(e => (e.Line, e.Key)).ToList();
        Assert.Contains((badCheckDigit, "Lookup.Error.ResidentIdCheckDigit"), found);
        Assert.Contains((unknownQualification, "Batches.Row.QualificationUnknown"), found);
        Assert.Contains((unknownSubject, "Batches.Row.SubjectUnknown"), found);
        Assert.Contains((outOfRange, "Batches.Row.ScoreRange"), found);
        Assert.Contains((wrongPrecision, "Batches.Row.ScorePrecision"), found);
        Assert.Contains((duplicate, "Batches.Row.Duplicate"), found);
        Assert.Contains((conflictingName, "Batches.Row.NameConflict"), found);
        Assert.Contains((provinceMismatch, "Batches.Row.ProvinceMismatch"), found);
        Assert.Contains((otherPerson, "Batches.Row.TicketOtherPerson"), found);
        Assert.Contains((passportWithoutEmail, "Batches.Row.EmailRequired"), found);
        Assert.Contains((absentWithScore, "Batches.Row.ScoreNotAllowed"), found);
        Assert.Contains((badStatus, "Batches.Row.Status"), found);
        Assert.Contains((unknownProvince, "Batches.Row.ProvinceUnknown"), found);
        Assert.Contains((storedNameConflict, "Batches.Row.NameConflictStored"), found);
        Assert.DoesNotContain(found, f => f.Line == good);
        Assert.Equal(outcome.ErrorCount, outcome.FirstErrors.Count);
        // The duplicate names the line it repeats.
        Assert.Equal(good, outcome.FirstErrors.Single(e => e.Line == duplicate).Args.Single());

        Assert.Equal(before, await CountAsync(portal));

        // The full report: one line per problem with its line number, readable by Excel (UTF-8 with BOM).
        var report = portal.Services.GetRequiredService<ImportFiles>().ReportPath(outcome.ReportId);
        Assert.NotNull(report);
        var bytes = await File.ReadAllBytesAsync(report);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(outcome.ErrorCount + 1, lines.Length);
        Assert.StartsWith($"{badCheckDigit},id_number,", lines[1]);
        // ID numbers and names stay out of the report.
        Assert.DoesNotContain(a, string.Concat(lines));
        Assert.DoesNotContain("王小明", string.Concat(lines));
    }

    [Fact]
    public async Task A_clean_file_becomes_a_batch_awaiting_approval_whose_scores_nobody_sees_yet()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile()
            .SeniorCandidate(session + "-11-900001", ResultsFile.ResidentId(1), "杨𠮷", "11", 50, 46, 30)
            .SeniorCandidate(session + "-65-900002", ResultsFile.ResidentId(2, "650102"), "买买提•艾力", "65", 60, 60, 75);
        file.Row(session + "-11-900003", "passport", "e1234567", "Maria Lopez", "11", "S01", "ZH", "", "absent", "Maria@Example.org");
        file.Row(session + "-11-900003", "passport", "e1234567", "Maria Lopez", "11", "S01", "AL", "", "absent", "Maria@Example.org");
        file.Row(session + "-11-900003", "passport", "e1234567", "Maria Lopez", "11", "S01", "LW", "", "absent", "Maria@Example.org");
        var path = await file.SaveAsync(portal.Directory, bom: true);

        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, path));

        Assert.Equal(9, imported.Summary.Rows);
        Assert.Equal(3, imported.Summary.Candidates);
        var s01 = Assert.Single(imported.Summary.ByQualification());
        Assert.Equal(("S01", 3, 2, 1), (s01.Key, s01.Registrations, s01.Sat, s01.Passed));
        Assert.Equal(1, imported.Summary.Groups.Single(g => g.Province == "11").Absent);

        await using var db = await CreateDbAsync(portal);
        var batch = await db.ResultBatches.SingleAsync(b => b.Id == imported.BatchId);
        Assert.Equal(ResultBatchStatus.Validated, batch.Status);
        Assert.Equal(9, batch.RowCount);
        Assert.Equal(imported.Fingerprint, batch.Fingerprint);
        Assert.Equal(await BatchFingerprint.ComputeAsync(db, batch.Id, CancellationToken.None), batch.Fingerprint);
        Assert.Equal(imported.Summary, BatchSummary.FromJson(batch.SummaryJson), new SummaryComparer());

        var scores = await db.SubjectScores.Where(s => s.ResultBatchId == batch.Id).ToListAsync();
        Assert.Equal(9, scores.Count);
        Assert.All(scores, s => Assert.False(s.IsCurrent));
        Assert.Equal(before with { Candidates = before.Candidates + 3, Registrations = before.Registrations + 3, Scores = before.Scores + 9, Batches = before.Batches + 1 },
            await CountAsync(portal));

        // Names and numbers are stored in the one normalized form the lookup compares with.
        var names = await db.Candidates.OrderByDescending(c => c.Id).Take(3).Select(c => new { c.Name, c.IdNumber, c.Email }).ToListAsync();
        Assert.Contains(names, n => n.Name == "杨𠮷");
        Assert.Contains(names, n => n.Name == "买买提·艾力");
        Assert.Contains(names, n => n is { IdNumber: "E1234567", Email: "maria@example.org" });

        var audit = await WaitForAuditAsync(portal, AuditActions.BatchImport);
        Assert.Contains(imported.Fingerprint, audit.DataJson);
        Assert.DoesNotContain("杨", audit.DataJson);
    }

    [Fact]
    public async Task The_same_file_twice_is_recognized_and_not_imported_again_and_a_fixed_file_goes_in()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var bad = new ResultsFile().SeniorCandidate(session + "-11-900001", ResultsFile.ResidentId(1), "张三", "11", 50, 50, 90);
        Assert.IsType<ImportOutcome.Refused>(await ImportAsync(portal, session, await bad.SaveAsync(portal.Directory, "bad.csv")));

        var fixedFile = await new ResultsFile().SeniorCandidate(session + "-11-900001", ResultsFile.ResidentId(1), "张三", "11", 50, 50, 70)
            .SaveAsync(portal.Directory, "fixed.csv");
        var first = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, fixedFile));
        var after = await CountAsync(portal);

        File.Copy(fixedFile, Path.Combine(portal.Directory, "renamed.csv"));
        var again = Assert.IsType<ImportOutcome.AlreadyImported>(await ImportAsync(portal, session, Path.Combine(portal.Directory, "renamed.csv")));
        Assert.Equal((first.BatchId, 1, ResultBatchStatus.Validated), (again.BatchId, again.Version, again.Status));
        Assert.Equal(after, await CountAsync(portal));
    }

    [Fact]
    public async Task An_xlsx_workbook_imports_like_the_csv_and_a_gb18030_csv_is_refused_with_how_to_save_it()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var xlsx = Path.Combine(portal.Directory, "results.xlsx");
        var rows = new[] { "ZH", "AL", "LW" }.Select((subject, i) => new Dictionary<string, object?>
        {
            ["ticket_no"] = session + "-44-900001", ["id_type"] = "resident", ["id_number"] = ResultsFile.ResidentId(1, "440305"),
            ["name"] = "欧阳娜娜", ["province_code"] = "44", ["qualification_code"] = "S01", ["subject_code"] = subject,
            // Excel stores numbers as numbers: 45 and 47.5 come back as doubles.
            ["score"] = i == 2 ? 47.5 : 45, ["status"] = "normal", ["email"] = null,
        });
        await MiniExcel.SaveAsAsync(xlsx, rows);

        // Session codes are not case-sensitive on the command line or anywhere else.
        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session.ToLowerInvariant(), xlsx));
        Assert.Equal(1, imported.Summary.ByQualification().Single().Passed);

        // "张三" in GB 18030, as Excel saves a CSV on a Chinese Windows.
        var gbk = Path.Combine(portal.Directory, "gbk.csv");
        await File.WriteAllBytesAsync(gbk, [.. Encoding.ASCII.GetBytes(ResultsFile.Header + "\nT1,resident,"), 0xD5, 0xC5, 0xC8, 0xFD, .. Encoding.ASCII.GetBytes(",11,S01,ZH,50,normal,\n")]);
        var refused = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, gbk));
        Assert.Equal("Batches.File.NotUtf8", refused.Key);

        var noColumns = Path.Combine(portal.Directory, "cols.csv");
        await File.WriteAllTextAsync(noColumns, "ticket,name\nA,B\n");
        var missing = Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, noColumns));
        Assert.Equal("Batches.File.MissingColumns", missing.Key);
        Assert.Contains("id_number", (string)missing.Args.Single());

        var empty = Path.Combine(portal.Directory, "empty.csv");
        await File.WriteAllBytesAsync(empty, []);
        Assert.Equal("Batches.File.Empty", Assert.IsType<ImportOutcome.Invalid>(await ImportAsync(portal, session, empty)).Key);
    }

    [Fact]
    public async Task A_hundred_thousand_row_file_imports_in_one_piece()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile();
        for (var i = 0; i < 50_000; i++)
        {
            var ticket = $"{session}-32-{i:D7}";
            var id = ResultsFile.ResidentId(i, "3201" + (i / 1000 % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
            file.Row(ticket, "resident", id, ResultsFile.Name(i), "32", "M01", "JC", (i % 76).ToString(System.Globalization.CultureInfo.InvariantCulture));
            file.Row(ticket, "resident", id, ResultsFile.Name(i), "32", "M01", "YY", i % 20 == 0 ? "" : "60", i % 20 == 0 ? "absent" : "normal");
        }
        var path = await file.SaveAsync(portal.Directory);
        var phases = new List<ImportPhase>();

        var imported = Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, path, new Recorder(p => phases.Add(p.Phase))));

        Assert.Equal(100_000, imported.Summary.Rows);
        Assert.Equal(50_000, imported.Summary.Candidates);
        Assert.Equal(before with { Candidates = before.Candidates + 50_000, Registrations = before.Registrations + 50_000, Scores = before.Scores + 100_000, Batches = before.Batches + 1 },
            await CountAsync(portal));
        Assert.Equal([ImportPhase.Checking, ImportPhase.Validating, ImportPhase.Storing, ImportPhase.Fingerprinting], phases.Distinct().Order().ToList());
    }

    [Fact]
    public async Task An_import_cancelled_while_storing_leaves_the_database_as_it_was()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile();
        for (var i = 0; i < 3000; i++)
            file.SeniorCandidate($"{session}-11-{i:D7}", ResultsFile.ResidentId(i, "110108"), ResultsFile.Name(i), "11", 50, 50, 50);
        var path = await file.SaveAsync(portal.Directory);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ImportAsync(portal, session, path,
            new Recorder(p => { if (p is { Phase: ImportPhase.Storing, Rows: >= 4000 }) cts.Cancel(); }), cts.Token));

        Assert.Equal(before, await CountAsync(portal));
        // The next import is not blocked by the cancelled one.
        Assert.IsType<ImportOutcome.Imported>(await ImportAsync(portal, session, path));
    }

    private static async Task<AuditEntry> WaitForAuditAsync(PortalFactory portal, string action)
    {
        // A deadline rather than a number of tries: on a loaded machine the audit writer's batch can take seconds.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await CreateDbAsync(portal);
            if (await db.AuditEntries.AsNoTracking().Where(e => e.Action == action).FirstOrDefaultAsync() is { } entry) return entry;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No audit entry {action}");
    }

    /// <summary>Progress reported synchronously (Progress&lt;T&gt; would post to the thread pool and arrive late).</summary>
    private sealed class Recorder(Action<ImportProgress> onReport) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => onReport(value);
    }

    private sealed class SummaryComparer : IEqualityComparer<BatchSummary>
    {
        public bool Equals(BatchSummary? x, BatchSummary? y) => x!.ToJson() == y!.ToJson();

        public int GetHashCode(BatchSummary obj) => obj.ToJson().GetHashCode(StringComparison.Ordinal);
    }
}
