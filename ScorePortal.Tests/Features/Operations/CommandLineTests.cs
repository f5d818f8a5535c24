using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// The portal binary's verbs (#19 item 6): an unknown verb lists the commands and exits 2 without serving or opening a
/// database; <c>help</c> lists them and exits 0; a command prepares only what it declares it needs.
/// </summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task An_unknown_verb_lists_the_commands_on_stderr_exits_2_and_neither_serves_nor_creates_a_database()
    {
        await using var portal = new PortalFactory();

        var run = await RunPortalAsync(portal, "frobnicate", "--lang", "en-US");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown command 'frobnicate'", run.Error, StringComparison.Ordinal);
        foreach (var verb in new[] { "import", "verify-audit", "create-account", "generate-keys", "demo-authenticator" })
            Assert.Contains($"  {verb} ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", run.Output + run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(portal.DatabasePath), "an unknown verb created the database");
    }

    [Fact]
    public async Task In_an_unconfigured_production_an_unknown_verb_still_lists_the_commands_instead_of_the_serving_checks()
    {
        await using var portal = new PortalFactory();

        var run = await RunPortalInAsync("Production", portal, "frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("  verify-audit ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Refusing to start", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    public async Task Help_lists_every_command_with_its_description_on_stdout_and_opens_no_database(string verb)
    {
        await using var portal = new PortalFactory();

        var run = await RunPortalAsync(portal, verb);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Contains("  verify-audit ", run.Output, StringComparison.Ordinal);
        Assert.Contains("  generate-keys        Write every key", run.Output, StringComparison.Ordinal);
        // The benchmark commands are not the product's any more (bench/ScorePortal.Bench).
        Assert.DoesNotContain("bench", run.Output, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(portal.DatabasePath), "help created the database");
    }

    [Fact]
    public async Task Generate_keys_needs_no_database_and_opens_none()
    {
        await using var portal = new PortalFactory();
        var keys = Path.Combine(portal.Directory, "generated-keys");

        var run = await RunPortalAsync(portal, "generate-keys", "--out", keys);

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(keys, ScorePortal.Security.GenerateKeysCommand.KeysFileName)));
        Assert.False(File.Exists(portal.DatabasePath), "generate-keys created the database");
    }

    [Fact]
    public async Task A_command_that_needs_the_database_migrates_a_fresh_one_first()
    {
        await using var portal = new PortalFactory();

        var run = await RunPortalAsync(portal, "batches", "--lang", "en-US");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.True(File.Exists(portal.DatabasePath));
        await using var connection = new SqliteConnection(portal.ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM __EFMigrationsHistory";
        Assert.True((long)(await count.ExecuteScalarAsync())! > 0);
        SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData(CommandNeeds.Nothing, false, false, false)]
    [InlineData(CommandNeeds.Database, true, false, true)]
    [InlineData(CommandNeeds.DemoData, true, true, true)]
    public async Task A_command_gets_exactly_the_preparation_it_declares(CommandNeeds needs, bool database, bool demoData, bool background)
    {
        var steps = new List<string>();
        var writer = new RecordingBackgroundService(steps);
        using var host = new TestHost(new ServiceCollection().AddSingleton<IHostedService>(writer).BuildServiceProvider());
        var preparation = new PortalPreparation([() => Record(steps, "database")], [() => Record(steps, "demo")]);
        var command = new PortalCommand("probe", "A probe.", (_, _, _) => { steps.Add("run"); return Task.FromResult(7); }, needs);

        var exitCode = await host.RunCommandAsync(["probe", "--x", "1"], preparation, [command]);

        Assert.Equal(7, exitCode);
        Assert.Equal(database, steps.Contains("database"));
        Assert.Equal(demoData, steps.Contains("demo"));
        Assert.Equal(background, steps.Contains("background started"));
        Assert.Equal("run", steps[^(background ? 2 : 1)]);
    }

    [Theory]
    [InlineData(new string[0], null)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5000" }, null)]
    [InlineData(new[] { "--Database:Provider=Sqlite" }, null)]
    [InlineData(new[] { "--environment", "Development" }, null)]
    [InlineData(new[] { "urls=http://127.0.0.1:5000" }, null)]
    [InlineData(new[] { "help" }, 0)]
    [InlineData(new[] { "-h" }, 0)]
    [InlineData(new[] { "improt", "--session", "2025H2" }, 2)]
    public async Task Options_serve_help_answers_0_and_an_unknown_verb_2_without_preparing_anything(string[] args, int? expected)
    {
        var steps = new List<string>();
        using var host = new TestHost(new ServiceCollection().BuildServiceProvider());
        var preparation = new PortalPreparation([() => Record(steps, "database")], [() => Record(steps, "demo")]);
        var command = new PortalCommand("import", "Import.", (_, _, _) => Task.FromResult(0));

        Assert.Equal(expected, await host.RunCommandAsync(args, preparation, [command]));
        Assert.Empty(steps);
    }

    private static Task Record(List<string> steps, string step)
    {
        steps.Add(step);
        return Task.CompletedTask;
    }

    private sealed class RecordingBackgroundService(List<string> steps) : IHostedService, IRunsDuringCommands
    {
        public Task StartAsync(CancellationToken cancellationToken) => Record(steps, "background started");

        public Task StopAsync(CancellationToken cancellationToken) => Record(steps, "background stopped");
    }

    private sealed class TestHost(ServiceProvider services) : IHost
    {
        public IServiceProvider Services => services;

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public void Dispose() => services.Dispose();
    }

    /// <summary>The built portal as its own process, in Testing with the factory's settings (the factory is never started).</summary>
    private static Task<PortalProcess.Run> RunPortalAsync(PortalFactory portal, params string[] args) => PortalProcess.RunAsync("Testing", portal, args);

    private static Task<PortalProcess.Run> RunPortalInAsync(string environment, PortalFactory portal, params string[] args) =>
        PortalProcess.RunAsync(environment, portal, args);
}
