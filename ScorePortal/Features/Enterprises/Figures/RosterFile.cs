using System.Globalization;
using System.Text;
using CsvHelper;

namespace ScorePortal.Features.Enterprises.Figures;

/// <summary>A problem found in a roster: its line (the header is line 1), the column, and a resource key with arguments.</summary>
public sealed record RosterError(int Line, string Column, string Key, params object[] Args);

/// <summary>One row of a roster after its checks: the employee id normalized (<see cref="EmployeeIds.Normalize"/>).</summary>
public sealed record RosterRow(int Line, string EmployeeId, string Department, decimal? Performance, decimal? YearsOfService);

/// <summary>What reading a roster file gives: its rows, its row errors, or why it could not be read at all.</summary>
public abstract record RosterRead
{
    public sealed record Rows(IReadOnlyList<RosterRow> Items) : RosterRead;

    /// <summary>Some rows are wrong: the first <see cref="RosterFile.MaxListedErrors"/> of them, and how many in all.</summary>
    public sealed record RowErrors(IReadOnlyList<RosterError> Errors, int ErrorCount, int RowCount) : RosterRead;

    /// <summary>The file as a whole cannot be used (encoding, header, size): a resource key with arguments.</summary>
    public sealed record Unreadable(string Key, params object[] Args) : RosterRead;
}

/// <summary>
/// The roster layout: a header row naming <c>employee_id</c> and <c>department</c>, optionally <c>performance</c> (a
/// project-performance score on the enterprise's own scale) and <c>years_of_service</c>, in any order. UTF-8 with or
/// without BOM, or GB 18030 (which includes GBK: what Excel in China saves as "CSV" by default). Pure: reads bytes,
/// touches nothing.
/// </summary>
public static class RosterFile
{
    public const string EmployeeId = "employee_id";
    public const string Department = "department";
    public const string Performance = "performance";
    public const string YearsOfService = "years_of_service";

    public static readonly string[] Columns = [EmployeeId, Department, Performance, YearsOfService];

    /// <summary>As stored (<c>RosterEntry.Department</c>).</summary>
    public const int DepartmentMaxLength = 100;

    /// <summary>Row errors listed on the page; the count says how many more there are.</summary>
    public const int MaxListedErrors = 100;

    /// <summary>No field of the layout comes near it; a hostile 1 MB cell is refused instead of being echoed.</summary>
    public const int MaxCellLength = 256;

    // The stored precision (RosterEntry: performance 9,2; years 5,1).
    private const decimal MaxPerformance = 9_999_999.99m;
    private const decimal MaxYears = 80m;

    /// <summary>The template an enterprise downloads: the header and three fictitious rows.</summary>
    public static string TemplateCsv() =>
        string.Join(',', Columns) + "\n" +
        "E2023001,研发中心,88.5,6\n" +
        "E2023002,研发中心,,1.5\n" +
        "E2023017,财务部,92,12\n";

    /// <summary>
    /// Reads a whole roster (the caller has checked its size). Every row is checked and every error kept, so one upload
    /// shows all that needs fixing; <paramref name="maxRows"/> stops a file that is too long before any row is checked.
    /// </summary>
    public static RosterRead Read(ReadOnlySpan<byte> content, int maxRows)
    {
        if (Decode(content) is not { } text) return new RosterRead.Unreadable("EnterpriseFigures.File.Encoding");
        if (text.AsSpan().Trim().IsEmpty) return new RosterRead.Unreadable("EnterpriseFigures.File.Empty");

        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MaxRecordSize = 16 * 1024,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        using var reader = CsvReader.FromText(text, options);
        int[] map;
        try
        {
            reader.ReadHeader();
            map = MapHeader(reader.Headers, out var missing);
            if (missing.Count > 0) return new RosterRead.Unreadable("EnterpriseFigures.File.MissingColumns", string.Join(", ", missing));
        }
        catch (CsvFormatException)
        {
            return new RosterRead.Unreadable("EnterpriseFigures.File.Unreadable");
        }

        var raw = new List<(int Line, string?[] Fields)>();
        while (true)
        {
            try
            {
                if (!reader.Read()) break;
            }
            catch (CsvFormatException e)
            {
                return new RosterRead.Unreadable("EnterpriseFigures.File.MalformedAt", e.LineNumber > 0 ? e.LineNumber : e.RecordNumber);
            }
            if (raw.Count == maxRows) return new RosterRead.Unreadable("EnterpriseFigures.File.TooManyRows", maxRows);
            var fields = new string?[Columns.Length];
            for (var c = 0; c < Columns.Length; c++)
                fields[c] = map[c] < reader.FieldCount ? reader.GetString(map[c]) : null;
            raw.Add(((int)reader.LineNumber, fields));
        }
        if (raw.Count == 0) return new RosterRead.Unreadable("EnterpriseFigures.File.NoRows");

        var errors = new List<RosterError>();
        var errorCount = 0;
        var rows = new List<RosterRow>(raw.Count);
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowErrors = new List<RosterError>(4);
        foreach (var (line, fields) in raw)
        {
            rowErrors.Clear();
            var row = Check(line, fields, firstLineOf, rowErrors);
            if (row is not null) rows.Add(row);
            foreach (var e in rowErrors)
            {
                errorCount++;
                if (errors.Count < MaxListedErrors) errors.Add(e);
            }
        }
        return errorCount > 0 ? new RosterRead.RowErrors(errors, errorCount, raw.Count) : new RosterRead.Rows(rows);
    }

    private static RosterRow? Check(int line, string?[] fields, Dictionary<string, int> firstLineOf, List<RosterError> errors)
    {
        for (var c = 0; c < fields.Length; c++)
        {
            if (fields[c] is { Length: > MaxCellLength })
            {
                errors.Add(new RosterError(line, Columns[c], "EnterpriseFigures.Row.TooLong", MaxCellLength));
                return null;
            }
        }

        string? employeeId = null;
        if (string.IsNullOrWhiteSpace(fields[0])) errors.Add(new RosterError(line, EmployeeId, "EnterpriseFigures.Row.Required"));
        else if (EmployeeIds.Normalize(fields[0]) is not { } id) errors.Add(new RosterError(line, EmployeeId, "EnterpriseFigures.Row.EmployeeId"));
        else if (firstLineOf.TryGetValue(id, out var first)) errors.Add(new RosterError(line, EmployeeId, "EnterpriseFigures.Row.Duplicate", first));
        else
        {
            firstLineOf[id] = line;
            employeeId = id;
        }

        var department = NormalizeDepartment(fields[1]);
        if (department.Length == 0) errors.Add(new RosterError(line, Department, "EnterpriseFigures.Row.Required"));
        else if (department.Length > DepartmentMaxLength)
            errors.Add(new RosterError(line, Department, "EnterpriseFigures.Row.DepartmentLength", DepartmentMaxLength));

        var performance = Number(line, Performance, fields[2], -MaxPerformance, MaxPerformance, 2, errors);
        var years = Number(line, YearsOfService, fields[3], 0, MaxYears, 1, errors);

        return errors.Count > 0 ? null : new RosterRow(line, employeeId!, department, performance, years);
    }

    /// <summary>NFC, trimmed, runs of white space (U+3000 included) folded to one space: "研发 中心" and "研发　中心 " are one department.</summary>
    public static string NormalizeDepartment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "";
        string text;
        try
        {
            text = value.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            text = value; // a lone surrogate: kept, and refused by nothing but its length
        }
        var folded = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = true;
                continue;
            }
            if (space && folded.Length > 0) folded.Append(' ');
            space = false;
            folded.Append(c);
        }
        return folded.ToString();
    }

    private static decimal? Number(int line, string column, string? text, decimal min, decimal max, int decimals, List<RosterError> errors)
    {
        var value = text?.Trim() ?? "";
        if (value.Length == 0) return null;
        if (!decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            errors.Add(new RosterError(line, column, "EnterpriseFigures.Row.Number", Shorten(value)));
            return null;
        }
        if (number < min || number > max || decimal.Round(number, decimals) != number)
        {
            errors.Add(new RosterError(line, column, "EnterpriseFigures.Row.Range", Shorten(value), min, max, decimals));
            return null;
        }
        return number;
    }

    private static string Shorten(string value) => value.Length <= 24 ? value : string.Concat(value.AsSpan(0, 24), "…");

    /// <summary>For each of <see cref="Columns"/>, its index in the file (int.MaxValue when absent); names matched case-insensitively.</summary>
    private static int[] MapHeader(IReadOnlyList<string> header, out List<string> missing)
    {
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var map = new int[Columns.Length];
        missing = [];
        for (var c = 0; c < Columns.Length; c++)
        {
            map[c] = names.IndexOf(Columns[c]);
            // Performance and years of service are optional: without them the talent figures are not shown.
            if (map[c] < 0 && c < 2) missing.Add(Columns[c]);
            if (map[c] < 0) map[c] = int.MaxValue;
        }
        return map;
    }

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    /// <summary>
    /// The text of a roster: UTF-8 when every byte sequence is valid UTF-8 (a file of Chinese text in GB 18030 almost never
    /// is), otherwise GB 18030, whose strict decoder refuses what is neither. Null when the file is neither.
    /// </summary>
    internal static string? Decode(ReadOnlySpan<byte> content)
    {
        try
        {
            var text = StrictUtf8.GetString(content);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
        }
        try
        {
            // Code page 54936 comes with .NET's code-pages provider; asked for directly, nothing is registered process-wide.
            var gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            return gb18030?.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
