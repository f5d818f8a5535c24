namespace ScorePortal.Operations;

public static class SharedDevelopmentSettings
{
    public const string TestingEnvironment = "Testing";

    /// <summary>
    /// The repository keeps one appsettings.Development.json at its root for the app and the tests; the build copies
    /// it next to the binaries. Environment variables and the command line are added again so they keep precedence.
    /// </summary>
    public static WebApplicationBuilder AddSharedDevelopmentSettings(this WebApplicationBuilder builder, string[] args)
    {
        var env = builder.Environment;
        if (!env.IsDevelopment() && !env.IsEnvironment(TestingEnvironment)) return builder;

        var path = Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json");
        if (!File.Exists(path)) return builder;
        builder.Configuration.AddJsonFile(path, optional: true, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    public static bool IsDevelopmentOrTesting(this IHostEnvironment env) =>
        env.IsDevelopment() || env.IsEnvironment(TestingEnvironment);
}
