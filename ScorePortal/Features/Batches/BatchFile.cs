using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;
using MiniExcelLibs;

namespace ScorePortal.Features.Batches;

/// <summary>
/// The documented import layout (README "Importing results"): one row per candidate per subject, a header row,
/// UTF-8 with or without BOM, or the first sheet of an XLSX workbook with the same header.
/// </summary>
public static class BatchFile
{
    public const string TicketNo = "ticket_no";
    public const string IdTypeColumn = "id_type";
    public const string IdNumber = "id_number";
    public const string Name = "name";
    public const string ProvinceCode = "province_code";
    public const string QualificationCode = "qualification_code";
    public const string SubjectCode = "subject_code";
    public const string Score = "score";
    public const string Status = "status";
    public const string Email = "email";

    /// <summary>Optional: the mobile an SMS query is answered with data (docs/sms.md); any common way of writing it, CN by default.</summary>
    public const string Mobile = "mobile";

    /// <summary>The columns in template order; <see cref="Row.Fields"/> follows this order whatever the file's order.</summary>
    public static readonly string[] Columns =
        [TicketNo, IdTypeColumn, IdNumber, Name, ProvinceCode, QualificationCode, SubjectCode, Score, Status, Email, Mobile];

    /// <summary>Columns a file may leave out altogether: email when nobody has a passport, mobile when nobody gave one.</summary>
    private static readonly string[] OptionalColumns = [Email, Mobile];

    /// <summary>
    /// Longest cell accepted, in UTF-16 units: no field of the layout comes near it (a name has at most 50 characters,
    /// an email 254), and a hostile workbook's 100 MB cell is refused instead of being carried through the import.
    /// </summary>
    public const int MaxCellLength = 1024;

    /// <summary>
    /// Largest total of a workbook's uncompressed parts. A sheet of 1,000,000 result rows is about 250 MB of XML;
    /// a zip bomb declares (or inflates to) far more.
    /// </summary>
    public const long MaxXlsxUncompressedBytes = 1L << 30;

    /// <summary>
    /// Highest compression ratio of a part larger than <see cref="RatioCheckedFrom"/>: sheet XML of real results
    /// compresses 5–20 times; a zip bomb hundreds or thousands of times.
    /// </summary>
    public const int MaxXlsxCompressionRatio = 100;

    /// <summary>Small parts (styles, an empty sheet) may compress better than any real sheet without costing anything.</summary>
    public const long RatioCheckedFrom = 1 << 20;

    /// <summary>The template an admin downloads: the header and two example rows (fictitious people).</summary>
    public static string TemplateCsv() =>
        string.Join(',', Columns) + "\n" +
        "2026H1-11-000001,resident,11010519900307231X,张伟,11,S01,ZH,52,normal,,13800138000\n" +
        "2026H1-11-000002,passport,E12345678,Maria Lopez,11,S01,ZH,,absent,maria@example.org,\n";

    public enum Format { Csv, Xlsx }

    /// <summary>The format by file name; null when neither.</summary>
    public static Format? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" or ".txt" => Format.Csv,
        ".xlsx" => Format.Xlsx,
        _ => null,
    };

    /// <summary>One data row: its 1-based line in the file (the header is line 1) and the fields in <see cref="Columns"/> order.</summary>
    public sealed record Row(int Line, string?[] Fields, bool FieldCountMismatch, int HeaderColumns = 0)
    {
        public string? this[int column] => Fields[column];
    }

    /// <summary>A problem with the file as a whole (nothing can be read row by row).</summary>
    public sealed class FileProblem(string key, params object[] args) : Exception(key)
    {
        public string Key { get; } = key;
        public object[] Args { get; } = args;
    }

    /// <summary>
    /// Streams the rows of a file. <paramref name="progress"/> receives the fraction of the file read so far.
    /// Throws <see cref="FileProblem"/> when the header is missing columns or the file is not readable as its format.
    /// </summary>
    public static IAsyncEnumerable<Row> ReadAsync(string path, Format format, IProgress<double>? progress, CancellationToken ct) =>
        format == Format.Csv ? ReadCsvAsync(path, progress, ct) : ReadXlsxAsync(path, progress, ct);

    private static async IAsyncEnumerable<Row> ReadCsvAsync(string path, IProgress<double>? progress,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var length = Math.Max(1, new FileInfo(path).Length);
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            // One record may not swallow the file: an unclosed quote is a bad row, not a 1 GB field.
            MaxRecordSize = 64 * 1024,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        if (!await IsUtf8Async(stream, ct)) throw new FileProblem("Batches.File.NotUtf8");
        stream.Position = 0;
        await using var reader = CsvReader.Create(stream, options, leaveOpen: true);

        int[] map;
        try
        {
            await reader.ReadHeaderAsync(ct);
            map = MapHeader(reader.Headers);
        }
        catch (CsvFormatException)
        {
            throw new FileProblem("Batches.File.Unreadable");
        }

        var next = 0.0;
        while (true)
        {
            bool read;
            try
            {
                read = await reader.ReadAsync(ct);
            }
            catch (CsvFormatException e)
            {
                throw new FileProblem("Batches.File.MalformedAt", e.LineNumber > 0 ? e.LineNumber : e.RecordNumber);
            }
            if (!read) break;

            var fields = new string?[Columns.Length];
            for (var c = 0; c < map.Length; c++)
                fields[c] = map[c] < reader.FieldCount ? reader.GetString(map[c]) : null;
            CheckCellLengths(fields, (int)reader.LineNumber);
            yield return new Row((int)reader.LineNumber, fields, reader.FieldCount != reader.Headers.Count, reader.Headers.Count);

            var done = (double)reader.ByteOffset / length;
            if (progress is not null && done >= next)
            {
                progress.Report(done);
                next = done + 0.01;
            }
        }
        progress?.Report(1);
    }

    private static async IAsyncEnumerable<Row> ReadXlsxAsync(string path, IProgress<double>? progress,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var length = Math.Max(1, stream.Length);
        // Before MiniExcel inflates anything: a workbook is a zip, and a zip bomb must not reach the parser.
        await CheckWorkbookSizeAsync(stream, ct);
        stream.Position = 0;
        IEnumerator<IDictionary<string, object?>> rows;
        try
        {
            // useHeaderRow: false keeps the cells keyed by column letter, so the header row is read like the others.
            rows = MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX)
                .Select(r => (IDictionary<string, object?>)r).GetEnumerator();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or NotSupportedException)
        {
            throw new FileProblem("Batches.File.Unreadable");
        }

        using (rows)
        {
            string[] letters;
            int[] map;
            if (!Next(rows)) throw new FileProblem("Batches.File.Empty");
            letters = rows.Current.Keys.ToArray();
            map = MapHeader(letters.Select(l => Text(rows.Current[l]) ?? "").ToList());

            var line = 1;
            var next = 0.0;
            while (Next(rows))
            {
                ct.ThrowIfCancellationRequested();
                line++;
                var cells = rows.Current;
                var values = letters.Select(l => cells.TryGetValue(l, out var v) ? Text(v) : null).ToArray();
                if (values.All(string.IsNullOrWhiteSpace)) continue;
                CheckCellLengths(values, line);
                var fields = new string?[Columns.Length];
                for (var c = 0; c < map.Length; c++) fields[c] = map[c] < values.Length ? values[map[c]] : null;
                yield return new Row(line, fields, false);

                var done = (double)stream.Position / length;
                if (progress is not null && done >= next)
                {
                    progress.Report(done);
                    next = done + 0.01;
                }
                if (line % 1000 == 0) await Task.Yield();
            }
        }
        progress?.Report(1);
    }

    private static void CheckCellLengths(string?[] values, int line)
    {
        foreach (var value in values)
            if (value is { Length: > MaxCellLength }) throw new FileProblem("Batches.File.CellTooLong", line, MaxCellLength);
    }

    /// <summary>
    /// Refuses a workbook whose parts would inflate beyond <see cref="MaxXlsxUncompressedBytes"/> in total, or compress
    /// suspiciously well. The sizes a zip declares are checked first (free), then each part is inflated into nothing up
    /// to its declared size plus one byte, so a part that lies about its size is caught as well, without ever holding
    /// more than a buffer in memory.
    /// </summary>
    private static async Task CheckWorkbookSizeAsync(Stream stream, CancellationToken ct)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new FileProblem("Batches.File.Unreadable");
        }
        using (zip)
        {
            long declared = 0;
            foreach (var entry in zip.Entries)
            {
                declared += entry.Length;
                if (entry.Length < 0 || declared > MaxXlsxUncompressedBytes) throw new FileProblem("Batches.File.TooLargeUnpacked");
                if (entry.Length > RatioCheckedFrom && entry.Length > (long)MaxXlsxCompressionRatio * Math.Max(1, entry.CompressedLength))
                    throw new FileProblem("Batches.File.TooLargeUnpacked");
            }

            var buffer = new byte[1 << 16];
            foreach (var entry in zip.Entries)
            {
                long inflated = 0;
                try
                {
                    await using var part = entry.Open();
                    int read;
                    while ((read = await part.ReadAsync(buffer, ct)) > 0)
                    {
                        inflated += read;
                        if (inflated > entry.Length) throw new FileProblem("Batches.File.TooLargeUnpacked");
                    }
                }
                catch (InvalidDataException)
                {
                    throw new FileProblem("Batches.File.Unreadable");
                }
            }
        }
    }

    private static bool Next(IEnumerator<IDictionary<string, object?>> rows)
    {
        try
        {
            return rows.MoveNext();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException or System.Xml.XmlException)
        {
            throw new FileProblem("Batches.File.Unreadable");
        }
    }

    /// <summary>
    /// Cell values as the text a person sees. A number stored by Excel comes back as a double: an 18-digit ID number
    /// has lost its last digits by then, which the ID check reports; scores print without a spurious exponent.
    /// </summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>For each column of <see cref="Columns"/>, its index in the file; column names are matched case-insensitively.</summary>
    private static int[] MapHeader(IReadOnlyList<string> header)
    {
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var map = new int[Columns.Length];
        var missing = new List<string>();
        for (var c = 0; c < Columns.Length; c++)
        {
            map[c] = names.IndexOf(Columns[c]);
            if (map[c] < 0 && !OptionalColumns.Contains(Columns[c])) missing.Add(Columns[c]);
            if (map[c] < 0) map[c] = int.MaxValue;
        }
        if (missing.Count > 0) throw new FileProblem("Batches.File.MissingColumns", string.Join(", ", missing));
        return map;
    }

    /// <summary>
    /// Whether the file is UTF-8 (with or without BOM). Files saved by Excel in China are often GB 18030: read as UTF-8
    /// they would turn every name into replacement characters, so they are refused with a message saying how to save.
    /// </summary>
    private static async Task<bool> IsUtf8Async(Stream stream, CancellationToken ct)
    {
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[1 << 16];
        var chars = new char[bytes.Length + 4];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(bytes, ct)) > 0)
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            decoder.GetChars([], 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
