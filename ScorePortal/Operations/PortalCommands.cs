using System.Globalization;
using ScorePortal.Data;
using ScorePortal.Localization;

namespace ScorePortal.Operations;

/// <summary>
/// Operations run the same binary with a verb instead of serving:
/// <c>dotnet run --project ScorePortal -- &lt;command&gt; [options]</c>. Each command uses the same services as the web
/// portal (configuration, database, keys), so a script and the UI share one implementation. <see cref="Needs"/> says
/// what must be ready before it runs; a command that needs no database neither opens, migrates nor seeds one.
/// </summary>
public sealed record PortalCommand(string Name, string Description, Func<IServiceProvider, CommandArguments, TextWriter, Task<int>> Run,
    CommandNeeds Needs = CommandNeeds.Database)
{
    /// <summary>Runs the command in the culture <see cref="CommandCulture"/> picks, so no command chooses its own.</summary>
    public async Task<int> RunAsync(IServiceProvider services, CommandArguments args, TextWriter output)
    {
        using var culture = new CommandCulture(args.Get("lang"));
        await using var origin = ScorePortal.Platform.Audit.AuditLog.BeginCommand(Name, Environment.UserName);
        return await Run(services, args, output);
    }
}

/// <summary>
/// The language of every command's messages and numbers: <c>--lang zh-CN|en-US</c> when given; otherwise the shell's
/// locale when it is Chinese or English; otherwise the portal's default, Chinese (a server's C locale says nothing).
/// </summary>
public sealed class CommandCulture : IDisposable
{
    private readonly CultureScope _scope;

    public CommandCulture(string? lang)
    {
        var name = lang switch
        {
            LocalizationExtensions.EnglishCulture or LocalizationExtensions.DefaultCulture => lang,
            _ when CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" => LocalizationExtensions.EnglishCulture,
            _ => LocalizationExtensions.DefaultCulture,
        };
        _scope = CultureScope.Use(CultureInfo.GetCultureInfo(name));
    }

    public void Dispose() => _scope.Dispose();
}

/// <summary>--name value pairs after the command name; a bare --flag reads as "true".</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public CommandArguments(IReadOnlyList<string> args)
    {
        Raw = args;
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[name] = hasValue ? args[++i] : "true";
        }
    }

    /// <summary>The arguments as given, after the command name.</summary>
    public IReadOnlyList<string> Raw { get; }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int GetInt(string name, int fallback) => int.TryParse(Get(name), out var v) ? v : fallback;
}

/// <summary>What a command needs prepared before it runs (<see cref="PortalPreparation"/>); serving needs everything.</summary>
public enum CommandNeeds
{
    /// <summary>Configuration and services only: no database is opened, migrated or seeded.</summary>
    Nothing,

    /// <summary>The database migrated (when Database:MigrateOnStart), older values bound to their rows, the roles present.</summary>
    Database,

    /// <summary>The database, then the demo data (Development and Testing with Demo:Seed only, as when serving).</summary>
    DemoData,
}

/// <summary>
/// The steps that make the database ready (Program.cs names them): those every database command needs, then the demo
/// data. The portal runs all of them before it serves; a command only those it needs.
/// </summary>
public sealed class PortalPreparation(IReadOnlyList<Func<Task>> database, IReadOnlyList<Func<Task>> demoData)
{
    public async Task RunAsync(CommandNeeds needs)
    {
        if (needs >= CommandNeeds.Database)
            foreach (var step in database) await step();
        if (needs >= CommandNeeds.DemoData)
            foreach (var step in demoData) await step();
    }
}

/// <summary>
/// A hosted service a command needs running too (the web host is not started for a command): the audit writer, so
/// that what a command does is audited like the same action in the UI.
/// </summary>
public interface IRunsDuringCommands;

public static class PortalCommands
{
    public const string Usage = "Usage: dotnet ScorePortal.dll <command> [--option value ...] [--lang zh-CN|en-US]\n" +
        "Without a command it serves the portal (options such as --urls http://127.0.0.1:5000 go to its configuration).";

    /// <summary>Features add their commands with this, next to their other services.</summary>
    public static IServiceCollection AddPortalCommand(this IServiceCollection services, PortalCommand command) =>
        services.AddSingleton(command);

    /// <summary>
    /// Runs the command named by the first argument, after preparing only what it <see cref="PortalCommand.Needs"/>, and
    /// returns its exit code. <c>help</c> (<c>--help</c>, <c>-h</c>) lists the commands and returns 0; a first argument
    /// that names no command and is no option lists them on standard error and returns 2. Null when the arguments are
    /// options only (<c>--urls …</c>, <c>--Key=value</c>, <c>Key=value</c>): serve the portal.
    /// </summary>
    /// <param name="commands">The commands to choose from; by default those the features registered.</param>
    public static async Task<int?> RunCommandAsync(this IHost app, string[] args, PortalPreparation preparation,
        IReadOnlyList<PortalCommand>? commands = null, string usage = Usage)
    {
        if (args.Length == 0 || (IsOption(args[0]) && !IsHelp(args[0]))) return null;
        commands ??= app.Services.GetServices<PortalCommand>().ToList();
        if (IsHelp(args[0]))
        {
            WriteCommands(Console.Out, commands, usage);
            return 0;
        }
        var command = commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"Unknown command '{args[0]}'.");
            WriteCommands(Console.Error, commands, usage);
            return 2;
        }
        try
        {
            return await RunPreparedAsync(app, command, args, preparation);
        }
        catch (Exception failure) when (StorageFaults.Classify(failure) is { } fault)
        {
            return StoppedByStorageFault(app.Services, command.Name, args, failure, fault, Console.Error);
        }
        catch (MigrationLockHeldException held)
        {
            return MigrationLockHeld(app.Services, command.Name, args.Length > 1 ? args[1..] : [], held, Console.Error);
        }
    }

    private static async Task<int> RunPreparedAsync(IHost app, PortalCommand command, string[] args, PortalPreparation preparation)
    {
        if (command.Needs == CommandNeeds.Nothing)
            return await command.RunAsync(app.Services, new CommandArguments(args[1..]), Console.Out);

        await preparation.RunAsync(command.Needs);
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

    /// <summary>
    /// A command (or the preparation of its database) stopped by a full or read-only disk (issue #26): one line on
    /// standard error naming the cause and what to do, in the command's language, exit code 1, and a log entry with
    /// <see cref="StorageFaults.CommandStopped"/> — never the runtime's stack trace and exit code 134. Each of the
    /// command's transactions was committed whole or rolled back. A failure that is not environmental keeps its trace.
    /// </summary>
    public static int StoppedByStorageFault(IServiceProvider services, string commandName, string[] args, Exception failure,
        StorageFault fault, TextWriter error)
    {
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalCommands).FullName!).LogError(StorageFaults.CommandStopped,
            "Command {Command} stopped: {Cause} ({Error})", commandName, StorageFaults.Cause(fault), failure.GetBaseException().Message);
        using var culture = new CommandCulture(new CommandArguments(args.Length > 1 ? args[1..] : []).Get("lang"));
        var L = services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
        error.WriteLine($"{commandName}: {L[StorageFaults.MessageKey(fault)]}");
        return StorageFaults.ExitCode;
    }

    /// <summary>
    /// The preparation before serving failed for a reason that is not a full or read-only disk (a migration the database
    /// refused, a file it cannot open): one line naming the error's type and message, never its stack trace, and exit 1.
    /// </summary>
    public static int PreparationFailed(IServiceProvider services, string[] args, Exception failure, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (failure is MigrationLockHeldException held) return MigrationLockHeld(services, "serve", args, held, error);
        var cause = $"{failure.GetBaseException().GetType().Name}: {failure.GetBaseException().Message}";
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalCommands).FullName!).LogCritical(StorageFaults.PreparationFailed,
            "The database could not be prepared; nothing was served ({Error})", cause);
        using var culture = new CommandCulture(new CommandArguments(args).Get("lang"));
        var L = services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
        error.WriteLine($"serve: {L["Faults.Preparation.Failed", cause]}");
        return StorageFaults.ExitCode;
    }

    /// <summary>
    /// The start found EF's migration lock held by another process for longer than it waits (Data/SqliteMigrationLock):
    /// one localized line saying since when, what happens to a lock left behind and how to remove it, exit 1. The log
    /// event (<see cref="StorageFaults.MigrationLockHeld"/>) was written where it was found.
    /// </summary>
    /// <param name="options">The command's own arguments (without its name), for <c>--lang</c>.</param>
    public static int MigrationLockHeld(IServiceProvider services, string commandName, string[] options, MigrationLockHeldException held, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(error);
        using var culture = new CommandCulture(new CommandArguments(options).Get("lang"));
        var L = services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<SharedResource>>();
        error.WriteLine($"{commandName}: " + L["Faults.MigrationLock.Held",
            held.LockedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(Math.Round(held.Waited.TotalSeconds)).ToString("c", CultureInfo.InvariantCulture),
            held.StaleAfter.ToString("c", CultureInfo.InvariantCulture)]);
        return StorageFaults.ExitCode;
    }

    /// <summary>
    /// An argument ASP.NET reads as configuration rather than a verb: <c>--key value</c>, <c>--key=value</c>,
    /// <c>-k</c>, <c>/key value</c> or <c>key=value</c> (the command-line configuration provider's forms).
    /// </summary>
    internal static bool IsOption(string arg) => arg.StartsWith('-') || arg.StartsWith('/') || arg.Contains('=');

    private static bool IsHelp(string arg) => arg is "help" or "commands" or "--help" or "-h" or "-?" or "/?";

    public static void WriteCommands(TextWriter output, IEnumerable<PortalCommand> commands, string usage)
    {
        output.WriteLine(usage);
        output.WriteLine("Commands:");
        foreach (var c in commands.OrderBy(c => c.Name, StringComparer.Ordinal)) output.WriteLine($"  {c.Name,-20} {c.Description}");
    }
}
