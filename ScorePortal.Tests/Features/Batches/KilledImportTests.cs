using System.Diagnostics;
using ScorePortal.Tests.Infrastructure;
using static ScorePortal.Tests.Features.Batches.ImportTestData;

namespace ScorePortal.Tests.Features.Batches;

/// <summary>The command-line import, run as its own process and killed halfway through storing.</summary>
public sealed class KilledImportTests
{
    [Fact]
    public async Task An_import_process_killed_while_storing_leaves_nothing_behind()
    {
        await using var portal = new DemoPortal();
        var session = await ScheduledSessionAsync(portal);
        var before = await CountAsync(portal);
        var file = new ResultsFile();
        for (var i = 0; i < 20_000; i++)
            file.SeniorCandidate($"{session}-11-{i:D7}", ResultsFile.ResidentId(i, "1101" + (i / 1000 % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), ResultsFile.Name(i), "11", 50, 50, 50);
        var path = await file.SaveAsync(portal.Directory);

        var app = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(app)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The child process runs on the real clock: its code comes from the wall clock too.
        var code = Authenticators.CodeAt(await Authenticators.EnrollAsync(portal, "admin@scoreportal.demo"), DateTimeOffset.UtcNow);
        foreach (var arg in new[] { app, "import", "--session", session, "--file", path, "--user", "admin@scoreportal.demo", "--code", code, "--lang", "en-US" })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in portal.Settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        using var process = Process.Start(start)!;
        var output = new List<string>();
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.Add(line);
            // Well into the transaction: thousands of rows written, none committed.
            if (line.StartsWith("Storing 20%", StringComparison.Ordinal) || line.StartsWith("Storing 30%", StringComparison.Ordinal))
            {
                process.Kill(entireProcessTree: true);
                killed = true;
                break;
            }
        }
        await process.WaitForExitAsync();

        Assert.True(killed, "The import finished before it could be killed:\n" + string.Join('\n', output));
        Assert.Equal(before, await CountAsync(portal));
    }
}
