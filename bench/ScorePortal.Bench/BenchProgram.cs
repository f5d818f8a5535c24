using ScorePortal.Operations;

namespace ScorePortal.Bench;

/// <summary>
/// <c>dotnet run --project bench/ScorePortal.Bench -c Release -- &lt;command&gt; [options]</c>: the benchmarks' commands on
/// the portal's own host (configuration, database, keys, services), so they measure the code the portal runs. Run it from
/// the ScorePortal folder (the scripts under bench/ do) so it reads the portal's settings files. It never serves.
/// </summary>
public static class BenchProgram
{
    private const string Usage = "Usage: dotnet ScorePortal.Bench.dll <command> [--option value ...] (bench/*/run.sh call it)";

    private static readonly PortalCommand[] Commands =
        [BenchDataCommand.Command, BenchApiDataCommand.Command, BenchReportsCommand.Command, BenchIssueReportsCommand.Command,
         BenchCaptchaCommand.Command, BenchAuditSizeCommand.Command, BenchRemindersCommand.Command];

    public static async Task<int> Main(string[] args)
    {
        // The portal's application name, so the host finds what the portal's assembly carries (user secrets, components).
        var app = Program.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(Program).Assembly.GetName().Name })
            .Build();
        if (await app.RunCommandAsync(args, Program.Preparation(app), Commands, Usage) is { } exitCode) return exitCode;
        PortalCommands.WriteCommands(Console.Error, Commands, Usage);
        return 2;
    }
}
