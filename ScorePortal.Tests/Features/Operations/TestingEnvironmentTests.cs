using Microsoft.Extensions.Options;
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
    public void Testing_without_the_opt_in_refuses_to_start_and_says_which_setting_is_missing()
    {
        using var portal = PortalFactory.With(new Dictionary<string, string?> { [SharedDevelopmentSettings.TestingOptIn] = null });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        var message = Flatten(error);
        Assert.Contains("Testing:AllowProtectionsOff", message);
        Assert.Contains("Refusing to start in environment 'Testing'", message);
    }

    [Fact]
    public void Testing_with_the_opt_in_set_to_anything_but_true_refuses_to_start()
    {
        using var portal = PortalFactory.With(new Dictionary<string, string?> { [SharedDevelopmentSettings.TestingOptIn] = "false" });

        var error = Assert.ThrowsAny<Exception>(() => portal.CreateClient());

        Assert.Contains("Testing:AllowProtectionsOff", Flatten(error));
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

    private static string Flatten(Exception e) =>
        e is OptionsValidationException v ? string.Join(";", v.Failures) + e.Message
        : e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
