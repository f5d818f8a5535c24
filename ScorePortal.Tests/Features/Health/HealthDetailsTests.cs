using System.Net;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Features.Health;

/// <summary>Issue #20, row 6: /healthz tells the public the status word only; details go to loopback and admins.</summary>
public sealed class HealthDetailsTests(DemoPortal portal) : IClassFixture<DemoPortal>
{
    private const string StatusOnly = "{\"status\":\"Healthy\"}";

    private async Task<string> HealthFromAsync(string peer)
    {
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Add(TestPeerAddress.Header, peer);
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_public_gets_the_status_word_only_while_loopback_and_a_signed_in_admin_get_the_details()
    {
        Assert.Equal(StatusOnly, await HealthFromAsync("203.0.113.7"));
        Assert.Equal(StatusOnly, await HealthFromAsync("2001:db8::7"));
        var local = await HealthFromAsync("127.0.0.1");
        Assert.Contains("\"circuits\":", local);
        Assert.Contains("\"checks\":{", local);
        Assert.Contains("\"circuits\":", await HealthFromAsync("::1"));

        // A signed-in candidate is the public too; an admin with the second factor reads the details from anywhere.
        var (candidate, _, _) = await Me.CandidateTestSupport.SignedInCandidateAsync(portal);
        using (candidate)
        {
            var (_, body) = await candidate.GetAsync("/healthz");
            Assert.Equal(StatusOnly, body);
        }
        const string admin = "admin@scoreportal.demo";
        var secret = await Authenticators.EnrollAsync(portal, admin);
        using var client = new BrowserlessClient(portal);
        using var password = await client.SignInAsync(admin, portal.DemoPassword);
        portal.Clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(secret, portal.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var (status, details) = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"circuits\":", details);
    }
}
