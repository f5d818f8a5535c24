using System.Globalization;
using ScorePortal.Localization;

namespace ScorePortal.Operations;

/// <summary>
/// Operations run the same binary with a verb instead of serving:
/// <c>dotnet run --project ScorePortal -- &lt;command&gt; [options]</c>. Each command uses the same services as the web
/// portal (configuration, database, keys), so a script and the UI share one implementation.
/// </summary>
public sealed record PortalCommand(string Name, string Description, Func<IServiceProvider, CommandArguments, TextWriter, Task<int>> Run)
{
    /// <summary>Runs the command in the culture <see cref="CommandCulture"/> picks, so no command chooses its own.</summary>
    public async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        using var culture = new CommandCulture(args.Get("lang"));
        await using var origin = Features.Audit.AuditLog.BeginCommand(Name, Environment.UserName);
        return await Run(services, args, output);
    }
}

/// <summary>
/// The language of every command's messages and numbers: <c>--lang zh-CN|en-US</c> when given; otherwise the shell's
/// locale when it is Chinese or English; otherwise the portal's default, Chinese (a server's C locale says nothing).
/// </summary>
public sealed class CommandCulture : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentCulture;
    private readonly CultureInfo _previousUi = CultureInfo.CurrentUICulture;

    public CommandCulture(string? lang)
    {
        var name = lang switch
        {
            LocalizationExtensions.EnglishCulture or LocalizationExtensions.DefaultCulture => lang,
            _ when _previousUi.TwoLetterISOLanguageName == "en" => LocalizationExtensions.EnglishCulture,
            _ => LocalizationExtensions.DefaultCulture,
        };
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _previous;
        CultureInfo.CurrentUICulture = _previousUi;
    }
}

/// <summary>--name value pairs after the command name; a bare --flag reads as "true".</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public CommandArguments(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[name] = hasValue ? args[++i] : "true";
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int GetInt(string name, int fallback) => int.TryParse(Get(name), out var v) ? v : fallback;
}

/// <summary>
/// A hosted service a command needs running too (the web host is not started for a command): the audit writer, so
/// that what a command does is audited like the same action in the UI.
/// </summary>
public interface IRunsDuringCommands;

public static class PortalCommands
{
    /// <summary>Features add their commands with this, next to their other services.</summary>
    public static IServiceCollection AddPortalCommand(this IServiceCollection services, PortalCommand command) =>
        services.AddSingleton(command);

    /// <summary>Runs the command named by the first argument; null when the arguments name no command (serve the portal).</summary>
    public static async Task<int?> RunCommandAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        var commands = app.Services.GetServices<PortalCommand>().OrderBy(c => c.Name).ToList();
        if (args[0] is "help" or "commands")
        {
            Console.WriteLine("Usage: dotnet run --project ScorePortal -- <command> [--option value ...] [--lang zh-CN|en-US]");
            foreach (var c in commands) Console.WriteLine($"  {c.Name,-20} {c.Description}");
            return 0;
        }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null) return null;
        var background = app.Services.GetServices<IHostedService>().Where(s => s is IRunsDuringCommands).ToList();
        foreach (var service in background) await service.StartAsync(CancellationToken.None);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await command.RunAsync(scope.ServiceProvider, new CommandArguments(args[1..]), Console.Out);
        }
        finally
        {
            // Stopping drains what the command queued (audit records) before the process exits.
            foreach (var service in background) await service.StopAsync(CancellationToken.None);
        }
    }
}
