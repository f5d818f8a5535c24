using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ScorePortal.Features.Enterprises.Webhooks;
using ScorePortal.Operations;

namespace ScorePortal.Tests.Features.Enterprises.Webhooks;

/// <summary>The test-only loopback allowance exists in the Testing environment and nowhere else.</summary>
public sealed class WebhookSettingsTests
{
    private static IOptions<WebhookOptions> OptionsIn(string environment, bool allowLoopback)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = Path.GetTempPath() });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Enterprises:Webhooks:AllowLoopbackHttpForTests"] = allowLoopback ? "true" : "false",
        });
        builder.AddWebhooks();
        // Only the options are asked for: the services the rest of the portal would register are not there.
        builder.Host.UseDefaultServiceProvider(o => o.ValidateOnBuild = false);
        return builder.Build().Services.GetRequiredService<IOptions<WebhookOptions>>();
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void The_loopback_allowance_is_refused_outside_the_Testing_environment(string environment)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => OptionsIn(environment, allowLoopback: true).Value);
        Assert.Contains("AllowLoopbackHttpForTests is honoured only in the Testing environment", failure.Message);
        Assert.False(OptionsIn(environment, allowLoopback: false).Value.AllowLoopbackHttpForTests);
    }

    [Fact]
    public void Testing_honours_it_and_the_production_start_up_checks_name_it()
    {
        Assert.True(OptionsIn(SharedDevelopmentSettings.TestingEnvironment, allowLoopback: true).Value.AllowLoopbackHttpForTests);

        var set = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Enterprises:Webhooks:AllowLoopbackHttpForTests"] = "true",
        }).Build();
        Assert.Contains(ProductionStartupChecks.Problems(set), p => p.StartsWith("Enterprises:Webhooks:AllowLoopbackHttpForTests", StringComparison.Ordinal));
        var unset = new ConfigurationBuilder().Build();
        Assert.DoesNotContain(ProductionStartupChecks.Problems(unset), p => p.Contains("AllowLoopbackHttpForTests", StringComparison.Ordinal));
    }
}
