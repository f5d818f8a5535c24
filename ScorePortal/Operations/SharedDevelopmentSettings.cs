namespace ScorePortal.Operations;

public static class SharedDevelopmentSettings
{
    public const string TestingEnvironment = "Testing";

    /// <summary>
    /// The opt-in that environment <c>Testing</c> requires (value <c>true</c>). Testing switches protections off (a
    /// captcha test answer, generated keys, plain-http cookies, limits the tests set to 0), so a server must never run
    /// in it by accident: the test factory (<c>PortalFactory</c>) and the benchmark scripts under bench/ set it, nothing
    /// else should.
    /// </summary>
    public const string TestingOptIn = "Testing:AllowProtectionsOff";

    /// <summary>
    /// The repository keeps one appsettings.Development.json at its root for the app and the tests; the build copies
    /// it next to the binaries. Environment variables and the command line are added again so they keep precedence.
    /// </summary>
    public static WebApplicationBuilder AddSharedDevelopmentSettings(this WebApplicationBuilder builder, string[] args)
    {
        var env = builder.Environment;
        if (env.IsEnvironment(TestingEnvironment) && !(bool.TryParse(builder.Configuration[TestingOptIn], out var optedIn) && optedIn))
        {
            throw new StartupRefusedException(
                $"Refusing to start in environment '{TestingEnvironment}': it switches protections off and is meant for the test host " +
                $"and the benchmark scripts only, which set {TestingOptIn}=true. Use Development on a workstation and Production on a server.");
        }
        if (!env.IsDevelopment() && !env.IsEnvironment(TestingEnvironment)) return builder;
        // Testing runs from the build output (tests, benchmark scripts): package assets such as MudBlazor's stylesheet,
        // which the light pages' stylesheet is cut from, come from the static web assets manifest, which ASP.NET Core
        // reads by itself only in Development. Published output has them in wwwroot.
        if (env.IsEnvironment(TestingEnvironment)) builder.WebHost.UseStaticWebAssets();

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
