using System.Collections;
using Microsoft.Extensions.Options;

namespace ScorePortal.Operations;

/// <summary>A start refused for its settings, found while the host is being built: the message says what to set.</summary>
public sealed class StartupRefusedException(string message) : InvalidOperationException(message);

/// <summary>
/// Settings are checked before anything touches the database (issue #26 item 0): every missing or invalid setting —
/// the Production checks (<see cref="ProductionStartupChecks"/>), every options class's own validation
/// (<c>ValidateOnStart</c>: keys, SMTP, limits, …) and any value that does not even convert (a typo in a duration) — is
/// reported in one message on standard error, and the process exits 1, with no stack trace and no migration run.
/// </summary>
public static partial class StartupRefusal
{
    public const int ExitCode = 1;

    private const string SeeDocs = "Every setting is described in docs/configuration.md; a Production server's in docs/deploy.md.";

    /// <summary>
    /// Reports every setting problem of <paramref name="app"/> and returns <see cref="ExitCode"/>; null when there is
    /// none. Call it after a command had its turn (a command needs only what it uses) and before the database is
    /// prepared for serving.
    /// </summary>
    public static int? RefuseMisconfiguredStart(this IHost app, TextWriter error)
    {
        var problems = SettingProblems(app.Services);
        if (problems.Count == 0) return null;
        var environment = app.Services.GetRequiredService<IHostEnvironment>().EnvironmentName;
        error.WriteLine($"Refusing to start in environment '{environment}': {problems.Count} setting(s) to fix. Nothing was changed (no migration ran).");
        foreach (var problem in problems) error.WriteLine(" - " + problem);
        error.WriteLine(SeeDocs);
        return ExitCode;
    }

    /// <summary>
    /// Options read while the host is built (to choose services): a value that does not convert gives the defaults here,
    /// and the same options' start-up validation (every such class is registered with <c>ValidateOnStart</c>) reports it
    /// with every other problem before anything runs.
    /// </summary>
    public static T ReadWhileBuilding<T>(this IConfiguration configuration, string section) where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new();
        }
        catch (InvalidOperationException failure) when (IsAboutSettings(failure))
        {
            return new();
        }
    }

    /// <summary>Whether a failure while the host was built is about its settings (else it is a bug and keeps its stack trace).</summary>
    public static bool IsAboutSettings(Exception failure) => Problems(failure) is not null;

    /// <summary>A start that failed while the host was built, for its settings: the message on <paramref name="error"/>, and the exit code.</summary>
    public static int Report(Exception failure, TextWriter error)
    {
        error.WriteLine(failure is StartupRefusedException ? failure.Message : "Refusing to start: " + string.Join(" ", Problems(failure) ?? [failure.Message]));
        error.WriteLine(SeeDocs);
        return ExitCode;
    }

    /// <summary>
    /// Every problem the options' start-up validations find. Each registration is evaluated on its own, so one value
    /// that does not convert does not hide the others (the framework's <see cref="IStartupValidator"/> stops at the first
    /// such failure).
    /// </summary>
    internal static List<string> SettingProblems(IServiceProvider services)
    {
        var problems = new List<string>();
        foreach (var validate in Validations(services))
        {
            try
            {
                validate();
            }
            catch (Exception e) when (Problems(e) is { } found)
            {
                problems.AddRange(found);
            }
        }
        return [.. problems.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>What a settings failure says, one line per problem; null when <paramref name="failure"/> is not about settings.</summary>
    internal static IReadOnlyList<string>? Problems(Exception failure) => failure switch
    {
        OptionsValidationException invalid => [.. invalid.Failures.Select(Plain)],
        AggregateException many when many.InnerExceptions.Select(Problems).ToList() is var each && each.All(p => p is not null) =>
            [.. each.SelectMany(p => p!)],
        StartupRefusedException refused => [refused.Message],
        // The configuration binder's own words name the key, the value and the type it should have.
        InvalidOperationException binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [binding.Message],
        _ => null,
    };

    /// <summary>A data annotation's own message without the framework's wrapping around it ("DataAnnotation validation failed for …").</summary>
    private static string Plain(string failure) =>
        DataAnnotationFailure().Match(failure) is { Success: true } m ? m.Groups["message"].Value : failure;

    [System.Text.RegularExpressions.GeneratedRegex("^DataAnnotation validation failed for '[^']*' members: '[^']*' with the error: '(?<message>.*)'\\.$",
        System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex DataAnnotationFailure();

    /// <summary>
    /// The evaluations <c>ValidateOnStart</c> registered, one per options type and name. The framework keeps them in an
    /// internal dictionary; should that ever change, the whole of <see cref="IStartupValidator.Validate"/> is one
    /// evaluation (still every validation failure at once, only a conversion failure then hides later ones).
    /// <c>StartupRefusalTests</c> holds the first path to this runtime.
    /// </summary>
    internal static IReadOnlyList<Action> Validations(IServiceProvider services)
    {
        var optionsType = typeof(IStartupValidator).Assembly.GetType("Microsoft.Extensions.Options.StartupValidatorOptions");
        if (optionsType is not null
            && services.GetService(typeof(IOptions<>).MakeGenericType(optionsType)) is { } options
            && options.GetType().GetProperty(nameof(IOptions<object>.Value))?.GetValue(options) is { } value
            && optionsType.GetProperty("_validators")?.GetValue(value) is IDictionary validators)
            return [.. validators.Values.OfType<Action>()];
        return [services.GetRequiredService<IStartupValidator>().Validate];
    }
}
