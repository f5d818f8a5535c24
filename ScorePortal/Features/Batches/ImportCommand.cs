using Microsoft.Extensions.Localization;
using ScorePortal.Model;
using ScorePortal.Operations;

namespace ScorePortal.Features.Batches;

/// <summary>
/// <c>import --session 2025H2 --file results.csv --user admin@example.org --code 123456 [--lang en-US]</c>: the admin page's import,
/// for scripts. Prints the validation report (or the stored batch with its fingerprint) and ends, like the other batch
/// commands, with the line <c>batch=… status=… fingerprint=…</c>; exit code 1 when refused.
/// </summary>
public static class ImportCommand
{
    public static readonly PortalCommand Command = new("import",
        "Import a results file: --session <code> --file <path.csv|.xlsx> --user <admin email> --code <authenticator code> [--lang zh-CN|en-US]", RunAsync);

    private static async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        var L = services.GetRequiredService<IStringLocalizer<SharedResource>>();

        var file = args.Get("file");
        if (args.Get("session") is not { } session || file is null || args.Get("user") is not { } email)
        {
            output.WriteLine(Command.Description);
            return 2;
        }
        if (!File.Exists(file))
        {
            output.WriteLine(L["Batches.Cli.NoFile", file]);
            return 1;
        }
        var (user, problem) = await BatchCommands.AuthorizeAdminAsync(services, email, args.Get("code"));
        if (user is null)
        {
            output.WriteLine(problem);
            return 1;
        }

        var progress = new ConsoleProgress(output, L);
        var outcome = await services.GetRequiredService<ImportBatch>()
            .HandleAsync(new ImportBatchRequest(session, Path.GetFullPath(file), Path.GetFileName(file), user.Id), progress);
        switch (outcome)
        {
            case ImportOutcome.Imported imported:
                output.WriteLine(L["Batches.Import.Done", imported.SessionCode, imported.Version, imported.Summary.Rows, imported.BatchId]);
                output.WriteLine(L["Batches.Fingerprint"] + ": " + BatchFingerprint.Grouped(imported.Fingerprint));
                foreach (var q in imported.Summary.ByQualification())
                    output.WriteLine($"  {q.Key,-6} {q.Registrations,8:N0} {q.Sat,8:N0} {q.Absent,8:N0} {q.Passed,8:N0} {q.PassRate,8:P1}");
                output.WriteLine(L["Batches.Cli.NextStep", imported.BatchId]);
                output.WriteLine(BatchCommands.MachineLine(imported.BatchId, ResultBatchStatus.Validated, imported.Fingerprint, null));
                return 0;
            case ImportOutcome.Refused refused:
                output.WriteLine(L["Batches.Import.Refused", refused.ErrorCount, refused.Rows]);
                foreach (var e in refused.FirstErrors.Take(50))
                    output.WriteLine($"  {L["Batches.Report.Line"]} {e.Line} [{e.Column}] {ImportFiles.Describe(L, e)}");
                if (refused.ErrorCount > 50) output.WriteLine(L["Batches.Cli.MoreErrors", refused.ErrorCount - 50]);
                if (services.GetRequiredService<ImportFiles>().ReportPath(refused.ReportId) is { } path)
                    output.WriteLine(L["Batches.Cli.ReportAt", path]);
                output.WriteLine(BatchCommands.MachineLine(null, null, null, "Batches.Import.Refused"));
                return 1;
            case ImportOutcome.AlreadyImported earlier:
                output.WriteLine(L["Batches.Import.AlreadyImported", earlier.SessionCode, earlier.Version, L["Batches.Status." + earlier.Status]]);
                output.WriteLine(BatchCommands.MachineLine(earlier.BatchId, earlier.Status, null, "Batches.Import.AlreadyImported"));
                return 1;
            case ImportOutcome.Invalid invalid:
                output.WriteLine(L[invalid.Key, invalid.Args]);
                output.WriteLine(BatchCommands.MachineLine(null, null, null, invalid.Key));
                return 1;
            default:
                throw new InvalidOperationException(outcome.GetType().Name);
        }
    }

    private sealed class ConsoleProgress(TextWriter output, IStringLocalizer L) : IProgress<ImportProgress>
    {
        private (ImportPhase, int) _last = (ImportPhase.Checking, -1);

        public void Report(ImportProgress value)
        {
            var tenth = (int)(value.Fraction * 10);
            if ((value.Phase, tenth) == _last) return;
            _last = (value.Phase, tenth);
            output.WriteLine($"{L["Batches.Phase." + value.Phase]} {value.Fraction:P0} ({value.Rows:N0})");
        }
    }
}
