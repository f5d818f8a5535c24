using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary><c>dotnet run -- import --session … --file … --user …</c>, through the command's own delegate.</summary>
public sealed class ImportCommandTests
{
    /// <summary>Runs the command as a script would; the demo admin gets its current authenticator code added.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(DemoPortal portal, params string[] args)
    {
        if (args.Contains("admin@scoreportal.demo") && !args.Contains("--code"))
            args = [.. args, "--code", await Authenticators.NextCodeAsync(portal, "admin@scoreportal.demo")];
        var command = portal.Services.GetServices<PortalCommand>().Single(c => c.Name == "import");
        await using var scope = portal.Services.CreateAsyncScope();
        using var output = new StringWriter();
        var exitCode = await command.RunAsync(scope.ServiceProvider, new CommandArguments(args), output);
        return (exitCode, output.ToString());
    }

    private static string LastLine(string output) => output.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    [Fact]
    public async Task The_import_command_prints_the_validation_report_then_imports_the_fixed_file_with_its_fingerprint()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var id = ResultsFile.ResidentId(31, "110108");
        var bad = await new ResultsFile().SeniorCandidate(session + "-11-900001", id, "刘洋", "11", 50, 76, 50).SaveAsync(portal.Directory, "bad.csv");
        var good = await new ResultsFile().SeniorCandidate(session + "-11-900001", id, "刘洋", "11", 50, 70, 50).SaveAsync(portal.Directory, "good.csv");

        var refused = await RunAsync(portal, "--session", session, "--file", bad, "--user", "admin@scoreportal.demo", "--lang", "en-US");
        var notAdmin = await RunAsync(portal, "--session", session, "--file", good, "--user", "staff.beijing@scoreportal.demo", "--lang", "en-US");
        var imported = await RunAsync(portal, "--session", session, "--file", good, "--user", "admin@scoreportal.demo", "--lang", "zh-CN");
        var again = await RunAsync(portal, "--session", session, "--file", good, "--user", "admin@scoreportal.demo", "--lang", "en-US");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Found 1 problem(s) in 3 rows; nothing was stored.", refused.Output);
        Assert.Contains("Line 3 [score] Score \"76\" is out of range (0 to 75).", refused.Output);
        Assert.Contains("Full validation report: ", refused.Output);
        Assert.Equal("batch=- status=- fingerprint=- error=Batches.Import.Refused", LastLine(refused.Output));
        Assert.Equal(1, notAdmin.ExitCode);
        Assert.Equal(0, imported.ExitCode);
        Assert.Contains($"已导入 {session} 第 1 版：3 行", imported.Output);
        Assert.Matches("批次指纹（SHA-256）: ([0-9a-f]{4} ){15}[0-9a-f]{4}", imported.Output);
        Assert.Matches("^batch=[0-9]+ status=Validated fingerprint=[0-9a-f]{64}$", LastLine(imported.Output));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("This file was imported before", again.Output);
        Assert.Matches("^batch=[0-9]+ status=Validated fingerprint=- error=Batches.Import.AlreadyImported$", LastLine(again.Output));
    }
}
