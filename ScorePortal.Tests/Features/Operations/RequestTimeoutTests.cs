using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScorePortal.Features.Lookup;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>
/// Fault: a lookup that would never finish (a stalled dependency). What must hold: the request is cut at its policy's
/// timeout (a tiny one here, no sleeping), its cancellation token reaches the work, and the visitor gets the localized
/// "try again" page with 504 — no hanging request, no stack trace.
/// </summary>
public sealed class RequestTimeoutTests
{
    /// <summary>A guard that waits until the request's token is cancelled, and says so.</summary>
    private sealed class StalledGuard : ILookupGuard
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<LookupRefusal?> CheckAsync(LookupAttempt attempt, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
            return null;
        }

        public ValueTask RecordAsync(LookupAttempt attempt, bool matched, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class StalledLookupPortal : PortalFactory
    {
        public StalledGuard Guard { get; } = new();

        protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
            settings["RequestTimeouts:Lookup"] = "00:00:00.200";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<ILookupGuard>(Guard)));
        }
    }

    [Fact]
    public async Task A_lookup_that_stalls_is_cut_at_its_timeout_with_the_localized_try_again_page()
    {
        await using var portal = new StalledLookupPortal();
        using var client = new BrowserlessClient(portal);
        // Should the cut fail, the test fails here instead of hanging.
        client.Http.Timeout = TimeSpan.FromSeconds(60);
        var form = await client.ReadFormAsync("/lookup", "lookup");
        form["Input.SessionCode"] = "2026H1";
        form["Input.IdType"] = "ResidentId";
        form["Input.IdNumber"] = "110105199003072311";
        form["Input.Name"] = "张伟";
        form["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer;

        using var response = await client.Http.PostAsync("/lookup", new FormUrlEncodedContent(form));
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(portal.Guard.Cancelled.Task.IsCompleted, "The lookup's work was not cancelled.");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("请求超时", html);
        Assert.Contains("请稍后再试", html);
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain("   at ", html);
    }

    [Fact]
    public async Task The_circuit_is_excluded_from_request_timeouts_and_pages_get_the_default_policy()
    {
        await using var portal = new PortalFactory();
        var options = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultPolicy?.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Policies[ScorePortal.Operations.RequestTimeouts.Lookup].Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Policies[ScorePortal.Operations.RequestTimeouts.Upload].Timeout);
        var settings = portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScorePortal.Operations.RequestTimeoutSettings>>().Value;
        Assert.Contains("/_blazor", settings.ExcludedPaths);
    }
}
