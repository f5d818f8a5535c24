using System.Diagnostics;

namespace ScorePortal.Tests.Infrastructure;

/// <summary>The built portal binary as its own process, with a factory's settings as environment variables (the factory is never started).</summary>
public static class PortalProcess
{
    public sealed record Run(int ExitCode, string Output, string Error);

    /// <param name="overrides">Settings to change or (null) remove for this run.</param>
    public static async Task<Run> RunAsync(string environment, PortalFactory portal, string[] args,
        IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var app = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(app)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(app);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        var settings = new Dictionary<string, string?>(portal.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        foreach (var (key, value) in settings)
        {
            if (value is null) continue;
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not exit (serving?):\n{await output}\n{await error}");
        }
        return new Run(process.ExitCode, await output, await error);
    }
}
