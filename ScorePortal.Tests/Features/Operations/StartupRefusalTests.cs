using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Issue #26 item 0: every missing or invalid setting — the Production checks, the options' own validations (SMTP
/// included) and values that do not even convert — is reported in one message before any migration runs, with exit
/// code 1 and no stack trace.
/// </summary>
public sealed class StartupRefusalTests
{
    [Fact]
    public async Task Production_without_its_settings_lists_every_problem_at_once_exits_1_and_creates_no_database()
    {
        await using var portal = new PortalFactory();

        var run = await PortalProcess.RunAsync("Production", portal, [], new Dictionary<string, string?>
        {
            ["Smtp:Host"] = null,
            ["Smtp:From"] = null,
            ["Captcha:Lifetime"] = "a minute",
            ["BusyGate:MaxConcurrent"] = "many",
        });

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("Refusing to start in environment 'Production'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed (no migration ran)", run.Error, StringComparison.Ordinal);
        // The Production checks, the options' validations and the values that do not convert, in one message.
        Assert.Contains(" - Portal:PublicBaseUrl must be", run.Error, StringComparison.Ordinal);
        Assert.Contains(" - No HTTPS", run.Error, StringComparison.Ordinal);
        Assert.Contains(" - Smtp:Host is required", run.Error, StringComparison.Ordinal);
        Assert.Contains(" - Smtp:From must be one email address", run.Error, StringComparison.Ordinal);
        Assert.Contains(" - Failed to convert configuration value 'a minute' at 'Captcha:Lifetime' to type 'System.TimeSpan'.", run.Error, StringComparison.Ordinal);
        Assert.Contains(" - Failed to convert configuration value 'many' at 'BusyGate:MaxConcurrent'", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("DataAnnotation validation failed", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(portal.DatabasePath), "the refused start created (migrated) the database");
    }

    [Fact]
    public async Task A_value_that_does_not_convert_is_reported_with_the_others_in_any_environment()
    {
        await using var portal = new PortalFactory();

        var run = await PortalProcess.RunAsync("Testing", portal, [], new Dictionary<string, string?>
        {
            ["Smtp:Port"] = "twenty-five",
            ["Captcha:Length"] = "12",
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("2 setting(s) to fix", run.Error, StringComparison.Ordinal);
        Assert.Contains("'twenty-five' at 'Smtp:Port'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Captcha:Length must be 4-8", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(portal.DatabasePath), "the refused start created (migrated) the database");
    }

    [Fact]
    public async Task A_key_file_that_is_not_there_is_one_line_not_a_stack_trace()
    {
        await using var portal = new PortalFactory();

        var run = await PortalProcess.RunAsync("Testing", portal, [], new Dictionary<string, string?>
        {
            ["Security:KeyFile"] = Path.Combine(portal.Directory, "no-such-keys.json"),
        });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Security:KeyFile names", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }
}
