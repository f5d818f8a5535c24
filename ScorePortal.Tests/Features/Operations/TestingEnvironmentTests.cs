using ScorePortal.Operations;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Environment "Testing" switches protections off (captcha test answer, generated keys, limits at 0): only the test host
/// and the benchmark scripts may use it, and they say so with an explicit opt-in.
/// </summary>
public sealed class TestingEnvironmentTests
{
    [Fact]
    public async Task Testing_without_the_opt_in_refuses_to_start_and_says_which_setting_is_missing()
    {
        await using var portal = new PortalFactory();

        var run = await PortalProcess.RunAsync("Testing", portal, [], new Dictionary<string, string?> { [SharedDevelopmentSettings.TestingOptIn] = null });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Refusing to start in environment 'Testing'", run.Error);
        Assert.Contains("Testing:AllowProtectionsOff", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task Testing_with_the_opt_in_set_to_anything_but_true_refuses_to_start()
    {
        await using var portal = new PortalFactory();

        var run = await PortalProcess.RunAsync("Testing", portal, [], new Dictionary<string, string?> { [SharedDevelopmentSettings.TestingOptIn] = "false" });

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Testing:AllowProtectionsOff", run.Error);
    }

    [Fact]
    public async Task The_test_host_opts_in_and_starts()
    {
        await using var portal = new PortalFactory();
        using var client = portal.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal("true", portal.Settings[SharedDevelopmentSettings.TestingOptIn]);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
