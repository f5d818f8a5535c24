using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScorePortal.Components.Layout;
using ScorePortal.Security;
using ScorePortal.Tests.Infrastructure;

namespace ScorePortal.Tests.Components;

/// <summary>
/// The hand-written pages' header (PortalDocument) carries the staff link's count as the Blazor layout does, for a
/// signed-in staff account; an anonymous visit asks no badge at all.
/// </summary>
public sealed class StaticHeaderBadgeTests(StaticHeaderBadgeTests.BadgePortal portal) : IClassFixture<StaticHeaderBadgeTests.BadgePortal>
{
    /// <summary>The demo portal with a badge that says 3 and counts how often it is asked.</summary>
    public sealed class BadgePortal : PortalFactory
    {
        public CountingBadge Badge { get; } = new();

        protected override void ConfigureSettings(IDictionary<string, string?> settings) => settings[DemoSeed] = "true";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<INavigationBadge>();
                services.AddSingleton<INavigationBadge>(Badge);
            });
        }
    }

    public sealed class CountingBadge : INavigationBadge
    {
        private int _asked;

        public int Asked => Volatile.Read(ref _asked);

        public string Role => Roles.Staff;

        public Task<int> CountAsync(ClaimsPrincipal user, CancellationToken ct)
        {
            Interlocked.Increment(ref _asked);
            return Task.FromResult(3);
        }
    }

    private async Task<BrowserlessClient> SignedInStaffAsync()
    {
        const string email = "staff.shanghai@scoreportal.demo";
        var client = new BrowserlessClient(portal);
        var secret = await Authenticators.EnrollAsync(portal, email);
        using var password = await client.SignInAsync(email, portal.Services.GetRequiredService<IConfiguration>()["Demo:Password"]!);
        Assert.StartsWith("/Account/LoginWith2fa", password.RedirectTarget());
        using var second = await client.SubmitAsync(password.RedirectTarget(), "login-2fa",
            new Dictionary<string, string> { ["Input.Code"] = Authenticators.CodeAt(secret, DateTimeOffset.UtcNow) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        return client;
    }

    [Fact]
    public async Task Signed_in_staff_see_the_count_on_the_lookup_and_status_pages_as_on_the_blazor_pages()
    {
        using var client = await SignedInStaffAsync();

        var (_, blazor) = await client.GetAsync("/");
        var (_, lookup) = await client.GetAsync("/lookup");
        var (_, status) = await client.GetAsync("/service-status");

        var expected = StaffLink(blazor);
        Assert.Contains("data-testid=\"nav-staff-badge\"", expected);
        Assert.Contains(">3<", expected);
        Assert.Equal(expected, StaffLink(lookup));
        Assert.Equal(expected, StaffLink(status));
    }

    [Fact]
    public async Task An_anonymous_visit_of_the_hand_written_pages_asks_no_badge()
    {
        using var client = new BrowserlessClient(portal);
        var before = portal.Badge.Asked;

        var (_, lookup) = await client.GetAsync("/lookup");
        var (_, overseas) = await client.GetAsync("/lookup/overseas");
        var (_, status) = await client.GetAsync("/service-status");

        Assert.Equal(before, portal.Badge.Asked);
        Assert.DoesNotContain("nav-staff", lookup + overseas + status);
    }

    /// <summary>The header's staff link, from its start tag to its end tag.</summary>
    private static string StaffLink(string html)
    {
        var start = html.IndexOf("<a class=\"portal-nav__link\" href=\"/staff\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no staff link in the header");
        return html[start..(html.IndexOf("</a>", start, StringComparison.Ordinal) + 4)];
    }
}
