using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ScorePortal.Features.Batches;

/// <summary>
/// The import's files on disk: uploads (deleted after their import) and validation reports (kept a day for the
/// download link). Both hold personal data only as the exam office sent it; reports name lines and columns, never values
/// of ID numbers or names.
/// </summary>
public sealed class ImportFiles(IOptions<BatchOptions> options, IWebHostEnvironment env)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    private string Root => Path.Combine(env.ContentRootPath, options.Value.WorkDirectory);

    /// <summary>A new upload path with the given extension (".csv" or ".xlsx").</summary>
    public string NewUploadPath(string extension)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "uploads")).FullName;
        Sweep(dir);
        return Path.Combine(dir, Guid.NewGuid().ToString("N") + extension);
    }

    /// <summary>Writes the full validation report and returns its id for <see cref="ReportPath"/>.</summary>
    public async Task<string> WriteReportAsync(IEnumerable<ImportError> errors, IStringLocalizer localizer, CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Root, "reports")).FullName;
        Sweep(dir);
        var id = Guid.NewGuid().ToString("N");
        await using var stream = File.Create(Path.Combine(dir, id + ".csv"));
        // Excel opens a UTF-8 file as UTF-8 only with the BOM.
        await stream.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await using var writer = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        writer.WriteRecord([localizer["Batches.Report.Line"].Value, localizer["Batches.Report.Column"].Value, localizer["Batches.Report.Problem"].Value]);
        foreach (var e in errors)
            writer.WriteRecord([e.Line.ToString(CultureInfo.InvariantCulture), e.Column, Describe(localizer, e)]);
        await writer.FlushAsync(ct);
        return id;
    }

    /// <summary>The report file of an id, or null when the id is not one (or the report has expired).</summary>
    public string? ReportPath(string id)
    {
        if (!Guid.TryParseExact(id, "N", out _)) return null;
        var path = Path.Combine(Root, "reports", id + ".csv");
        return File.Exists(path) ? path : null;
    }

    public static string Describe(IStringLocalizer localizer, ImportError e) =>
        e.Args.Length == 0 ? localizer[e.Key].Value : localizer[e.Key, e.Args.Select(FormatArg).ToArray()].Value;

    private static object FormatArg(object a) => a is decimal d ? d.ToString("0.#", CultureInfo.CurrentCulture) : a;

    private void Sweep(string dir)
    {
        // File times come from the operating system's clock, so the age is measured on that clock too.
        var cutoff = DateTime.UtcNow - KeepFor;
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff) File.Delete(file);
            }
            catch (IOException)
            {
                // In use by a running import; the next sweep takes it.
            }
        }
    }
}
