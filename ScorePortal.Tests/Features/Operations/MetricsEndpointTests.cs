using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScorePortal.Data;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Operations;

/// <summary>Issue #22, item 7: /metrics (Prometheus text) for the machine itself and admins, nobody else.</summary>
public sealed class MetricsEndpointTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private async Task<(HttpStatusCode Status, string Body)> MetricsFromAsync(string peer)
    {
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(TestPeerAddress.Header, peer);
        using var response = await client.GetAsync("/metrics");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task LookUpAsync()
    {
        string session;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<ScorePortalDbContext>>().CreateDbContextAsync())
        {
            session = (await db.ExamSessions.AsNoTracking().Where(s => s.PublishedAt != null).OrderByDescending(s => s.Year).ThenByDescending(s => s.Half).FirstAsync()).Code;
        }
        using var client = new BrowserlessClient(portal);
        using var response = await client.SubmitAsync("/lookup", "lookup", new Dictionary<string, string>
        {
            ["Input.SessionCode"] = session, ["Input.IdType"] = "ResidentId", ["Input.IdNumber"] = "110105199003072311", ["Input.Name"] = "张伟",
            ["Input.CaptchaAnswer"] = PortalFactory.CaptchaTestAnswer,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"result-sheet\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_refused_to_another_address_and_to_a_candidate()
    {
        foreach (var peer in new[] { "203.0.113.7", "2001:db8::7", "10.0.0.5" })
        {
            var (status, body) = await MetricsFromAsync(peer);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.DoesNotContain("scoreportal_", body);
        }
        var (candidate, _, _) = await Me.CandidateTestSupport.SignedInCandidateAsync(portal);
        using (candidate)
        {
            var (status, body) = await candidate.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.DoesNotContain("scoreportal_", body);
        }
    }

    [Fact]
    public async Task Loopback_reads_the_lookup_counter_and_duration_after_a_lookup()
    {
        await LookUpAsync();
        using (var browser = portal.CreateClient())
        {
            using var challenge = System.Text.Json.JsonDocument.Parse(await browser.GetStringAsync("/captcha/new"));
            using var picture = await browser.GetAsync(challenge.RootElement.GetProperty("image").GetString());
            Assert.Equal(HttpStatusCode.OK, picture.StatusCode);
        }

        foreach (var peer in new[] { "127.0.0.1", "::1" })
        {
            var (status, body) = await MetricsFromAsync(peer);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Matches("""(?m)^scoreportal_lookups\{channel="id",outcome="Found"\} [1-9]""", body);
            Assert.Matches("""(?m)^scoreportal_lookup_duration_count\{channel="id"\} [1-9]""", body);
            Assert.Matches("""(?m)^scoreportal_captcha_images\{result="served"\} [1-9]""", body);
            Assert.Matches("""(?m)^scoreportal_gate_capacity\{gate="lookup"\} 128$""", body);
            Assert.Matches("""(?m)^scoreportal_gate_inside\{gate="lookup"\} 0$""", body);
            Assert.Matches("""(?m)^scoreportal_gate_waiting\{gate="lookup"\} 0$""", body);
            Assert.Matches("""(?m)^scoreportal_outbox_backlog \d+$""", body);
            // The runtime's meter is there; ASP.NET Core's per-request, per-buffer and per-route-match ones are not listened
            // to (the portal's own lookup duration covers the release-day path).
            Assert.Contains("system_runtime_dotnet_gc", body);
            Assert.DoesNotContain("http_server_request_duration", body);
            Assert.DoesNotContain("memory_pool", body);
            Assert.DoesNotContain("routing_match_attempts", body);
        }
    }

    [Fact]
    public async Task A_signed_in_admin_with_the_second_factor_reads_the_metrics_from_anywhere()
    {
        const string admin = "admin@scoreportal.demo";
        var secret = await Authenticators.EnrollAsync(portal, admin);
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(admin, portal.DemoPassword);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var (status, body) = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("scoreportal_gate_capacity", body);
    }
}
